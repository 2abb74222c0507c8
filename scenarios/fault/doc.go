// Package fault parses the fault lines of scenario steps: what the world does to
// the organization, as opposed to what an admin does (cmdlets).
//
//	crash S              S stops at once; its queue database survives
//	crash S lose-queue   S stops at once and its queue database is lost
//	stop S               a clean shutdown
//	start S              S boots; services start and pick up component states
//	fail-copy DB\S       that database copy fails (its disk)
//	partition A,B from C,D
//	                     the listed servers or sites cannot reach each other;
//	                     "internet" as a member cuts the internet link
//	heal                 every partition ends
//	disk S queue N%      the drive of S's queue database (and its logs) is N% used;
//	                     disk S data N%: the content conversion drive (back pressure)
//	memory S N%          S's EdgeTransport.exe uses N% of the RAM (PrivateBytes)
//	release S            the drives are freed and the memory given back
//	down HOST            a smart host or MX host stops answering (connections time out)
//	refuse HOST 451      it answers MAIL FROM with that 4xx reply
//	up HOST              it works again
//	fail-site SITE       every server of SITE crashes (queue databases kept), and
//	                     its witnesses and links go with it
//	restore-site SITE    what fail-site crashed boots; the witnesses and links return
//	partition-sites A,B from C,D
//	                     the listed sites (servers and witnesses) cannot reach each other
//
// Parse checks the grammar only; whether S is a server is the loader's check.
package fault
