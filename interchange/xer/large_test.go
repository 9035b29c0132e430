package xer_test

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/schedule"
)

var (
	largeOut   = flag.String("large", "", "TestLargeWrite writes a large XER `file` (see writeLarge)")
	largeTasks = flag.Int("activities", 1_000_000, "the activities of the file -large writes")
	largeWide  = flag.Bool("wide", false, "the file -large writes has every field of P6's own export")
	largeRead  = flag.String("read", "", "TestLargeRead reads this `file` and reports the memory it takes")
)

// writeLarge writes a valid XER of n activities: one project on a
// calendar with holidays, a WBS node per 100 activities, four resources;
// each activity with its planned and remaining duration, saved early and
// late dates and float; about 1.3 relationships an activity (FS mostly,
// some SS and FF with lags) from the previous 100, and an assignment to
// one activity in four. It has the fields critpath reads, as densely as
// a file gets (about 170 bytes an activity); wide, it has every field of
// P6's own export too, with the values P6 writes (about 600 bytes an
// activity, as the corpus's P6 files have). The same n gives the same
// file.
func writeLarge(w io.Writer, n int, wide bool) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	// extra gives, for a wide file, the fields of a table critpath passes
	// over, and their values in a row.
	extra := func(fields, values string) (string, string) {
		if !wide {
			return "", ""
		}
		return "\t" + fields, "\t" + values
	}
	p("ERMHDR\t8.2\t2027-01-03\tProject\tadmin\tcritpath\tdbxDatabaseNoName\tProject Management\tUSD\r\n")
	p("%%T\tPROJECT\r\n%%F\tproj_id\tproj_short_name\tclndr_id\tplan_start_date\tlast_recalc_date\r\n")
	p("%%R\t1\tLARGE\t1\t2027-01-03 08:00\t2027-01-03 08:00\r\n")
	p("%%T\tCALENDAR\r\n%%F\tclndr_id\tdefault_flag\tclndr_name\tproj_id\tbase_clndr_id\tclndr_type\tday_hr_cnt\tweek_hr_cnt\tclndr_data\r\n")
	p("%%R\t1\tY\tSunday to Thursday\t\t\tCA_Base\t8\t40\t(0||CalendarData()(  (0||DaysOfWeek()(")
	for d := 1; d <= 7; d++ {
		if d == 6 || d == 7 { // Friday and Saturday off
			p("    (0||%d()())", d)
			continue
		}
		p("    (0||%d()(      (0||0(s|08:00|f|12:00)())      (0||1(s|13:00|f|17:00)())))", d)
	}
	p("))  (0||Exceptions()(")
	for k, day := range []int{46439, 46472, 46454, 46455, 46456, 46457} { // 2027's holidays in Bangladesh
		p("    (0||%d(d|%d)())", k, day)
	}
	p(")))\r\n")
	p("%%T\tSCHEDOPTIONS\r\n%%F\tschedoptions_id\tproj_id\tsched_retained_logic\tsched_float_type\tsched_calendar_on_relationship_lag\tsched_progress_override\r\n")
	p("%%R\t1\t1\tY\tFT_FF\trcal_Predecessor\tN\r\n")
	p("%%T\tPROJWBS\r\n%%F\twbs_id\tproj_id\tseq_num\tproj_node_flag\twbs_short_name\twbs_name\tparent_wbs_id\r\n")
	p("%%R\t1\t1\t0\tY\tLARGE\tLarge project\t\r\n")
	for k := range (n + 99) / 100 {
		p("%%R\t%d\t1\t%d\tN\tW%d\tWork package %d\t1\r\n", 2+k, 1+k, k, k)
	}
	p("%%T\tRSRC\r\n%%F\trsrc_id\tclndr_id\trsrc_name\trsrc_short_name\trsrc_type\r\n")
	for k, r := range []string{"Masons\tcrew\tRT_Labor", "Tower crane\tcrane\tRT_Equip", "Cement\tcement\tRT_Mat", "Carpenters\tcarp\tRT_Labor"} {
		p("%%R\t%d\t1\t%s\r\n", 1+k, r)
	}
	p("%%T\tRSRCRATE\r\n%%F\trsrc_rate_id\trsrc_id\tmax_qty_per_hr\tcost_per_qty\tstart_date\r\n")
	for k := range 4 {
		p("%%R\t%d\t%d\t%d\t%d.5\t2027-01-01 00:00\r\n", 1+k, 1+k, 1+k%2, 100*(k+1))
	}
	const when = "2006-01-02 15:04"
	start := time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC)
	fields, _ := extra("phys_complete_pct\trev_fdbk_flag\test_wt\tlock_plan_flag\tauto_compute_act_flag\tcomplete_pct_type\tduration_type\trsrc_id\tfree_float_hr_cnt\tact_work_qty\tremain_work_qty\ttarget_work_qty\ttarget_equip_qty\tact_equip_qty\tremain_equip_qty\tcstr_date\tact_start_date\tact_end_date\tlate_start_date\texpect_end_date\trestart_date\treend_date\ttarget_start_date\ttarget_end_date\trem_late_start_date\trem_late_end_date\tcstr_type\tpriority_type\tsuspend_date\tresume_date\tfloat_path\tfloat_path_order\tguid\ttmpl_guid\tcstr_date2\tcstr_type2\tdriving_path_flag\tact_this_per_work_qty\tact_this_per_equip_qty\texternal_early_start_date\texternal_late_end_date\tcreate_date\tupdate_date\tcreate_user\tupdate_user\tlocation_id", "")
	p("%%T\tTASK\r\n%%F\ttask_id\tproj_id\twbs_id\tclndr_id\ttask_type\tstatus_code\ttask_code\ttask_name\ttotal_float_hr_cnt\tremain_drtn_hr_cnt\ttarget_drtn_hr_cnt\tearly_start_date\tearly_end_date\tlate_end_date%s\r\n", fields)
	for i := range n {
		hours, float := 8*(1+i%10), 8*(i%7)
		day := start.AddDate(0, 0, i%400)
		es, ef, lf := day.Format(when), day.Add(time.Duration(hours)*time.Hour).Format(when), day.Add(time.Duration(hours+float)*time.Hour).Format(when)
		name := fmt.Sprintf("Activity %d", i)
		_, values := extra("", fmt.Sprintf("0\tN\t1\tN\tN\tCP_Drtn\tDT_FixedDrtn\t\t%d\t0\t0\t0\t0\t0\t0\t\t\t\t%s\t\t%s\t%s\t%s\t%s\t%s\t%s\t\tPT_Normal\t\t\t\t\t%022d\tWv6jSi7MoUqvEeEkAhzYaw\t\t\tN\t0\t0\t\t\t2026-09-15 11:13\t2026-09-15 13:44\tadmin\tadmin\t",
			float, lf, es, ef, es, ef, lf, lf, i))
		if wide {
			name = fmt.Sprintf("Activity %d: pour and cure the slab of work package %d, level %d", i, i/100, i%12)
		}
		p("%%R\t%d\t1\t%d\t1\tTT_Task\tTK_NotStart\tA%d\t%s\t%d\t%d\t%d\t%s\t%s\t%s%s\r\n", 1000+i, 2+i/100, 1000+i, name,
			float, hours, hours, es, ef, lf, values)
	}
	types := []string{"PR_FS", "PR_FS", "PR_FS", "PR_SS", "PR_FF"}
	fields, values := extra("proj_id\tpred_proj_id\tfloat_path\taref\tarls", "1\t1\t\t2027-02-01 08:00\t2027-03-01 17:00")
	p("%%T\tTASKPRED\r\n%%F\ttask_pred_id\ttask_id\tpred_task_id\tpred_type\tlag_hr_cnt%s\r\n", fields)
	link := 0
	for i := 1; i < n; i++ {
		for k := range 1 + i%3/2 { // one link, or two for a task in three
			link++
			p("%%R\t%d\t%d\t%d\t%s\t%d%s\r\n", link, 1000+i, 1000+i-1-(i*7+k*13)%min(i, 100), types[link%len(types)], 8*(link%3), values)
		}
	}
	fields, values = extra("proj_id\tcost_qty_link_flag\tremain_qty\ttarget_qty\tremain_qty_per_hr\tcost_per_qty\ttarget_cost\tact_reg_cost\tremain_cost\ttarget_start_date\ttarget_end_date\tguid\trate_type\tcreate_user\tcreate_date",
		"1\tY\t0\t0\t0.125\t1.0000\t0.0000\t0.0000\t0.0000\t2027-01-03 08:00\t2027-01-03 08:00\t0NqswV1oP0CiVP6rb9POTg\tCOST_PER_QTY\tadmin\t2026-09-25 09:25")
	p("%%T\tTASKRSRC\r\n%%F\ttaskrsrc_id\ttask_id\trsrc_id\ttarget_qty_per_hr%s\r\n", fields)
	for i := 0; i < n; i += 4 {
		p("%%R\t%d\t%d\t%d\t%d%s\r\n", 1+i/4, 1000+i, 1+i/4%4, 1+i%3, values)
	}
	p("%%E\r\n")
	return bw.Flush()
}

// TestLargeWrite writes the file -large names, with -activities
// activities, for the figures in benchmarks/README.md:
//
//	go test ./interchange/xer -run LargeWrite -large /tmp/large.xer
//
// Without -large it checks that a small one reads and schedules.
func TestLargeWrite(t *testing.T) {
	if *largeOut != "" {
		f, err := os.Create(*largeOut)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeLarge(f, *largeTasks, *largeWide); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, wide := range []bool{false, true} {
		var b bytes.Buffer
		if err := writeLarge(&b, 1000, wide); err != nil {
			t.Fatal(err)
		}
		f, err := xer.Read(&b, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Warnings) != 0 {
			t.Errorf("wide %v: warnings %v, want none", wide, f.Warnings)
		}
		p := f.Projects[0].Project
		if len(p.Tasks) != 1010 || len(p.Links) != 1332 || len(p.Assignments) != 250 || len(p.Resources) != 4 {
			t.Errorf("wide %v: got %d tasks, %d links, %d assignments and %d resources, want 1,010, 1,332, 250 and 4", wide, len(p.Tasks), len(p.Links), len(p.Assignments), len(p.Resources))
		}
		if _, err := schedule.Run(p); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLargeRead reads the file -read names, as the command line does
// (from the file, not from memory), and reports the heap it took at its
// peak (sampled every millisecond), what it allocated in all, and what
// the projects read hold once it returns, each against the file's size:
//
//	go test ./interchange/xer -run LargeRead -read /tmp/large.xer -v
func TestLargeRead(t *testing.T) {
	if *largeRead == "" {
		t.Skip("-read names no file")
	}
	in, err := os.Open(*largeRead)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak.Store(max(peak.Load(), sample[0].Value.Uint64()))
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	start := time.Now()
	f, err := xer.Read(in, nil)
	took := time.Since(start)
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	runtime.GC()
	runtime.ReadMemStats(&after)
	size := float64(st.Size())
	t.Logf("%s: %.0f MB, %d activities, read in %v", *largeRead, size/1e6, len(f.Projects[0].Project.Tasks), took.Round(time.Millisecond))
	t.Logf("heap at the peak %.2f× the file, allocated in all %.2f×, the projects read %.2f×",
		float64(peak.Load()-before.HeapAlloc)/size, float64(allocated)/size, float64(after.HeapAlloc-before.HeapAlloc)/size)
	runtime.KeepAlive(f)
}

// BenchmarkLarge reads generated files (writeLarge) of 10,000 and
// 100,000 activities, dense and wide, and reads and schedules them;
// alloc/byte is what Read allocates in all per byte of the file, a bound
// on the memory it holds at any time.
func BenchmarkLarge(b *testing.B) {
	for _, wide := range []bool{false, true} {
		for _, n := range []int{10_000, 100_000} {
			var data bytes.Buffer
			if err := writeLarge(&data, n, wide); err != nil {
				b.Fatal(err)
			}
			for _, run := range []bool{false, true} {
				name := fmt.Sprintf("dense/activities=%d", n)
				if wide {
					name = fmt.Sprintf("wide/activities=%d", n)
				}
				if run {
					name += "/schedule"
				}
				b.Run(name, func(b *testing.B) {
					b.SetBytes(int64(data.Len()))
					b.ReportAllocs()
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					for b.Loop() {
						f, err := xer.Read(bytes.NewReader(data.Bytes()), nil)
						if err != nil {
							b.Fatal(err)
						}
						if run {
							if _, err := schedule.Run(f.Projects[0].Project); err != nil {
								b.Fatal(err)
							}
						}
					}
					runtime.ReadMemStats(&after)
					b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(data.Len()), "alloc/byte")
				})
			}
		}
	}
}
