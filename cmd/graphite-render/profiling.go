package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	runtimepprof "runtime/pprof"
	"time"
)

// profiling holds what the -pprof-listen, -cpuprofile and -memprofile
// flags started: all of it is off unless a flag asks for it, and none of
// it is reachable through the public listener.
type profiling struct {
	srv     *http.Server
	addr    string
	cpuFile *os.File
	memPath string
	log     *slog.Logger
}

// pprofMux serves net/http/pprof's endpoints under /debug/pprof/ on a mux
// of its own: the package's import also registers them on
// http.DefaultServeMux, which the server never serves.
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// startProfiling starts what cfg's profiling flags ask for: the pprof
// listener on cfg.pprofListen and a CPU profile into cfg.cpuProfile. The
// caller must call stop, which writes the profiles asked for.
func startProfiling(cfg serveConfig, log *slog.Logger) (*profiling, error) {
	p := &profiling{memPath: cfg.memProfile, log: log}
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return nil, fmt.Errorf("-cpuprofile: %w", err)
		}
		if err := runtimepprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("-cpuprofile %s: %w", cfg.cpuProfile, err)
		}
		p.cpuFile = f
	}
	if cfg.pprofListen != "" {
		ln, err := net.Listen("tcp", cfg.pprofListen)
		if err != nil {
			p.stop()
			return nil, fmt.Errorf("-pprof-listen %s: %w", cfg.pprofListen, err)
		}
		p.addr = ln.Addr().String()
		// No write timeout: /debug/pprof/profile?seconds=N answers after N
		// seconds.
		p.srv = &http.Server{Handler: pprofMux(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := p.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Warn("pprof listener stopped", "error", err)
			}
		}()
		log.Info("pprof endpoints listening (-pprof-listen)", "addr", "http://"+p.addr+"/debug/pprof/")
	}
	return p, nil
}

// stop closes the pprof listener and writes the CPU and heap profiles
// asked for, logging what it could not write.
func (p *profiling) stop() {
	if p.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = p.srv.Shutdown(ctx)
		cancel()
		p.srv.Close()
	}
	if p.cpuFile != nil {
		runtimepprof.StopCPUProfile()
		if err := p.cpuFile.Close(); err != nil {
			p.log.Error("cannot write the CPU profile (-cpuprofile)", "error", err)
		} else {
			p.log.Info("CPU profile written", "file", p.cpuFile.Name())
		}
	}
	if p.memPath != "" {
		if err := writeHeapProfile(p.memPath); err != nil {
			p.log.Error("cannot write the heap profile (-memprofile)", "error", err)
		} else {
			p.log.Info("heap profile written", "file", p.memPath)
		}
	}
}

// writeHeapProfile writes the allocation profile (live and total since
// start) into path, after a garbage collection so that it is up to date.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := runtimepprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
