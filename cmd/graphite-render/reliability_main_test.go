package main

import (
	"os"
	"testing"
	"time"
)

// serveChildEnv, when set in the environment of this test binary, makes it
// run the server with os.Args instead of the tests, so that the reliability
// tests can measure a server in a process of its own.
const serveChildEnv = "GRAPHITE_RENDER_TEST_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(serveChildEnv) != "" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, time.Now))
	}
	os.Exit(m.Run())
}
