package main

import (
	"fmt"
	"time"
)

// writeMargin is what the derived -write-timeout adds to -timeout: the time
// a render that ran out of -timeout has to encode and send its 503, and a
// render that finished just in time has to send its answer.
const writeMargin = 10 * time.Second

// writeTimeout returns -write-timeout, or when it is 0, -timeout plus
// writeMargin (no bound when -timeout is 0 too).
//
// The server's write deadline starts when a request's headers have been
// read, as the -timeout bound of the handler does:
//
//	headers read      handler gives up (-timeout)    write deadline
//	|-------------------------|---------------------------|
//	        -timeout                  writeMargin
func (cfg serveConfig) writeTimeout() time.Duration {
	if cfg.writeTimeoutFlag > 0 || cfg.timeout <= 0 {
		return cfg.writeTimeoutFlag
	}
	return cfg.timeout + writeMargin
}

// checkTimeouts rejects timeout flags that contradict each other.
func (cfg serveConfig) checkTimeouts() error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"timeout", cfg.timeout}, {"read-header-timeout", cfg.readHeaderTimeout}, {"read-timeout", cfg.readTimeout},
		{"write-timeout", cfg.writeTimeoutFlag}, {"idle-timeout", cfg.idleTimeout}, {"shutdown-timeout", cfg.shutdown},
	} {
		if d.v < 0 {
			return fmt.Errorf("invalid -%s=%s: must not be negative", d.name, d.v)
		}
	}
	if cfg.writeTimeoutFlag > 0 && cfg.timeout > 0 && cfg.writeTimeoutFlag <= cfg.timeout {
		return fmt.Errorf("invalid -write-timeout=%s: must exceed -timeout=%s, or a render that runs out of time cannot send its 503 (0 derives -timeout + %s)",
			cfg.writeTimeoutFlag, cfg.timeout, writeMargin)
	}
	if cfg.readTimeout > 0 && cfg.readHeaderTimeout > cfg.readTimeout {
		return fmt.Errorf("invalid -read-header-timeout=%s: must not exceed -read-timeout=%s, which bounds headers and body together",
			cfg.readHeaderTimeout, cfg.readTimeout)
	}
	if cfg.openFiles < -1 {
		return fmt.Errorf("invalid -open-file-cache=%d: must be -1 (derived from the descriptor limit), 0 (off) or a number of files", cfg.openFiles)
	}
	if cfg.mappedMB < 0 || cfg.mappedMB > 1<<20 {
		return fmt.Errorf("invalid -mapped-mb=%d: want 0 (no mapping) up to 1048576", cfg.mappedMB)
	}
	if cfg.maxLarge < 0 {
		return fmt.Errorf("invalid -max-large-renders=%d: must not be negative (0 is the processors, at least 4)", cfg.maxLarge)
	}
	if cfg.maxConns < 0 {
		return fmt.Errorf("invalid -max-connections=%d: must not be negative (0 derives it from the descriptor limit)", cfg.maxConns)
	}
	return nil
}
