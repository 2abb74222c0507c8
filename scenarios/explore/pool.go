package explore

import "sync"

// parallel runs do(k) for every k in [0, n) on up to workers goroutines. Each do
// writes only its own slot of a result slice, so the results are the same whatever
// the worker count. progress, when set, is called from the calling goroutine after
// each job. It returns when every worker has ended.
func parallel(n, workers int, progress func(done, total int), do func(k int)) {
	jobs := make(chan int)
	done := make(chan struct{}, n)
	var wg sync.WaitGroup
	for range min(max(workers, 1), max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				do(k)
				done <- struct{}{}
			}
		}()
	}
	go func() {
		for k := range n {
			jobs <- k
		}
		close(jobs)
	}()
	for i := range n {
		<-done
		if progress != nil {
			progress(i+1, n)
		}
	}
	wg.Wait()
}
