package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/graphite-render/graphite-render/query"
	"github.com/graphite-render/graphite-render/whisperfs"
)

// doctorReport is the doctor's summary of a tree.
type doctorReport struct {
	Root    string         `json:"root"`
	Now     int64          `json:"now"`
	Files   int            `json:"files"`
	Healthy int            `json:"healthy"`
	Broken  []brokenFile   `json:"broken"`
	Counts  map[string]int `json:"counts"`
	Worst   []doctorEntry  `json:"worst"`
	Advice  []string       `json:"advice"`
	Seconds float64        `json:"seconds"`
}

type doctorEntry struct {
	Name      string          `json:"name"`
	Diagnosis []query.Finding `json:"diagnosis"`
}

type brokenFile struct {
	Name  string `json:"name"`
	Error string `json:"error"`
}

// maxWorst is how many problem files the report lists.
const maxWorst = 20

// runDoctor implements "graphite-render doctor".
func runDoctor(args []string, stdout, stderr io.Writer, clock func() time.Time) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("whisper-dir", "", "root of the whisper tree (required)")
	schemasFile := fs.String("storage-schemas", "", "carbon's storage-schemas.conf, to report files whose retentions drifted")
	aggFile := fs.String("storage-aggregation", "", "carbon's storage-aggregation.conf, to report aggregation drift")
	confDir := fs.String("carbon-conf-dir", "", "directory of carbon's configuration: its storage-schemas.conf and storage-aggregation.conf are read when they exist and the flags above do not name them")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	workers := fs.Int("workers", 4, "files read in parallel")
	nowS := fs.String("now", "", "the current time: unix seconds or an at-time (default: the clock)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "graphite-render doctor: -whisper-dir is required and there are no other arguments")
		return 2
	}
	tree, err := whisperfs.NewTree(*dir, whisperfs.TreeOptions{MaxMatches: 1 << 30})
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render doctor: %v\n", err)
		return 1
	}
	files, err := resolveStorageFiles(*confDir, *schemasFile, *aggFile, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render doctor: %v\n", err)
		return 1
	}
	cfg, err := loadStorageConfig(files)
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render doctor: %v\n", err)
		return 1
	}
	in := &query.Inspector{Storage: tree, Files: tree}
	cfg.apply(in)
	clockNow := clock().Unix()
	now, err := timeFlag("now", *nowS, clockNow, clockNow)
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render doctor: %v\n", err)
		return 2
	}
	var progress io.Writer
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !*asJSON {
		progress = stderr
	}
	rep, err := diagnoseTree(context.Background(), tree, in, time.Unix(now, 0), max(1, *workers), progress)
	if err != nil {
		fmt.Fprintf(stderr, "graphite-render doctor: %v\n", err)
		return 1
	}
	if *asJSON {
		b, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		printReport(stdout, rep)
	}
	return 0
}

// diagnoseTree explains every metric of the tree from its header and the
// tail of its finest archive, with workers in parallel.
func diagnoseTree(ctx context.Context, tree *whisperfs.Tree, in *query.Inspector, now time.Time, workers int, progress io.Writer) (doctorReport, error) {
	start := time.Now()
	nodes, err := tree.Find(ctx, "**")
	if err != nil {
		return doctorReport{}, err
	}
	var names []string
	for _, n := range nodes {
		if n.Leaf {
			names = append(names, n.Path)
		}
	}
	rep := doctorReport{Root: tree.Dir(), Now: now.Unix(), Files: len(names), Counts: map[string]int{}, Broken: []brokenFile{}, Worst: []doctorEntry{}}
	type result struct {
		info query.MetricInfo
		err  error
	}
	results := make([]result, len(names))
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(names) {
					return
				}
				info, err := in.Explain(names[i], now.Unix(), false)
				results[i] = result{info: info, err: err}
				done.Add(1)
			}
		})
	}
	stop := make(chan struct{})
	if progress != nil {
		go func() {
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					fmt.Fprintf(progress, "\r%d/%d files\n", done.Load(), len(names))
					return
				case <-t.C:
					fmt.Fprintf(progress, "\r%d/%d files", done.Load(), len(names))
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	var problems []doctorEntry
	for i, r := range results {
		if r.err != nil {
			rep.Broken = append(rep.Broken, brokenFile{Name: names[i], Error: r.err.Error()})
			continue
		}
		if len(r.info.Diagnosis) == 0 {
			rep.Healthy++
			continue
		}
		for _, f := range r.info.Diagnosis {
			rep.Counts[f.Code]++
		}
		problems = append(problems, doctorEntry{Name: r.info.Name, Diagnosis: r.info.Diagnosis})
	}
	sort.SliceStable(problems, func(i, j int) bool { return severity(problems[i]) > severity(problems[j]) })
	rep.Worst = append(rep.Worst, problems[:min(len(problems), maxWorst)]...)
	rep.Advice = advice(rep.Counts)
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

// severity ranks a file: a starving rollup (an empty graph) first, then
// missing data, then drift.
func severity(e doctorEntry) int {
	s := 0
	for _, f := range e.Diagnosis {
		switch f.Code {
		case query.CodeXFFStarvesRollup:
			s += 100
		case query.CodeNoRecentData:
			s += 10
		default:
			s++
		}
	}
	return s
}

// advice says what to run for each kind of finding.
func advice(counts map[string]int) []string {
	out := []string{}
	if n := counts[query.CodeXFFStarvesRollup]; n > 0 {
		out = append(out, fmt.Sprintf("%d file(s) lose their rollups to xFilesFactor: serve with -archives=stitch and a storage-aggregation.conf rule with a lower xFilesFactor (takes effect at once), or run whisper-set-xfilesfactor FILE 0 on them and lower the rule for new files", n))
	}
	if n := counts[query.CodeSchemaDrift]; n > 0 {
		out = append(out, fmt.Sprintf("%d file(s) differ from storage-schemas.conf: carbon applies it only to new files; run whisper-resize FILE RETENTIONS... (see each diagnosis) to apply it", n))
	}
	if n := counts[query.CodeAggregationDrift]; n > 0 {
		out = append(out, fmt.Sprintf("%d file(s) differ from storage-aggregation.conf: serve with -archives=stitch (reads use the rule), or run whisper-set-aggregation-method / whisper-set-xfilesfactor", n))
	}
	if n := counts[query.CodeNoRecentData]; n > 0 {
		out = append(out, fmt.Sprintf("%d file(s) received nothing recently: check the sender, or delete metrics that are gone", n))
	}
	return out
}

func printReport(w io.Writer, r doctorReport) {
	fmt.Fprintf(w, "scanned %d whisper files under %s in %.2fs: %d healthy, %d with findings, %d unreadable\n",
		r.Files, r.Root, r.Seconds, r.Healthy, r.Files-r.Healthy-len(r.Broken), len(r.Broken))
	codes := make([]string, 0, len(r.Counts))
	for c := range r.Counts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		fmt.Fprintf(w, "  %-20s %d\n", c, r.Counts[c])
	}
	if len(r.Worst) > 0 {
		fmt.Fprintln(w, "\nworst files:")
		for _, e := range r.Worst {
			fmt.Fprintf(w, "  %s\n", e.Name)
			for _, f := range e.Diagnosis {
				fmt.Fprintf(w, "    %s: %s\n", f.Code, f.Message)
			}
		}
	}
	for _, b := range r.Broken {
		fmt.Fprintf(w, "unreadable: %s: %s\n", b.Name, b.Error)
	}
	if len(r.Advice) > 0 {
		fmt.Fprintln(w, "\nwhat to do:")
		for _, a := range r.Advice {
			fmt.Fprintf(w, "  - %s\n", a)
		}
	}
}
