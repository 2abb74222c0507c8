module github.com/exsim/exsim

go 1.26.8
