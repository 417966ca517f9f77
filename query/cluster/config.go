package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ErrConfig is wrapped by every error about a Config.
var ErrConfig = errors.New("bad cluster configuration")

// Config describes the backends of a front. Its YAML form:
//
//	timeouts: {find: 10s, render: 30s, connect: 500ms}   # defaults of every group
//	hashing: none                # or carbon_ch, jump_fnv1a_ch (exact names to their servers)
//	replicas: 1                  # copies of each metric the hash places
//	groups:
//	  - name: dc1
//	    protocol: carbonapi_v3_pb  # auto, msgpack, carbonapi_v2_pb
//	    lbMethod: broadcast        # every server is asked; rr: one of them, the next on failure
//	    servers: [http://10.0.0.1:8080, http://10.0.0.2:8080]
//	    timeouts: {render: 60s}
//	    maxTries: 1
type Config struct {
	Groups   []Group  `yaml:"groups"`
	Timeouts Timeouts `yaml:"timeouts"`
	// Hashing is "" or "none" (every server is asked for every name),
	// "carbon_ch" or "jump_fnv1a_ch": an exact name is asked only of the
	// Replicas servers of each group that carbon-c-relay's hash of that
	// name places it on, each group being one relay cluster (its servers
	// in the relay's order, hosts written as in the relay's
	// configuration). Globs still go to every server. Hashing needs
	// broadcast groups.
	Hashing  string `yaml:"hashing"`
	Replicas int    `yaml:"replicas"`
}

// Group is a set of servers behind one protocol.
type Group struct {
	Name     string    `yaml:"name"`
	Protocol string    `yaml:"protocol"`
	LBMethod string    `yaml:"lbMethod"`
	Servers  []string  `yaml:"servers"`
	Timeouts *Timeouts `yaml:"timeouts"`
	MaxTries int       `yaml:"maxTries"`
	// Instances, with hashing, are the servers' carbon-c-relay instance
	// names (host:port=INSTANCE in its cluster definition), one per
	// server in order; empty when the relay names none.
	Instances []string `yaml:"instances"`
}

// Timeouts bound the calls to a group's servers: a find, a render (fetch)
// and a connection. Zero means the default.
type Timeouts struct {
	Find    time.Duration `yaml:"find"`
	Render  time.Duration `yaml:"render"`
	Connect time.Duration `yaml:"connect"`
}

// DefaultTimeouts are the timeouts of a group that sets none.
var DefaultTimeouts = Timeouts{Find: 10 * time.Second, Render: 30 * time.Second, Connect: 500 * time.Millisecond}

// Protocols are the protocols a group may speak, as carbonapi names them.
var Protocols = []string{"carbonapi_v3_pb", "auto", "msgpack", "carbonapi_v2_pb"}

// Hashings are the consistent hashes Config.Hashing may name.
var Hashings = []string{"none", "carbon_ch", "jump_fnv1a_ch"}

// FromBackends returns the configuration of -backend URL flags: one
// broadcast group of carbonapi_v3_pb servers.
func FromBackends(urls []string) Config {
	return Config{Groups: []Group{{Name: "backends", Servers: urls}}}
}

// ParseConfig reads a YAML configuration; unknown keys are errors.
func ParseConfig(b []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return c, nil
}

// withDefaults returns c with every default filled in.
func (c Config) withDefaults() Config {
	c.Timeouts = c.Timeouts.or(DefaultTimeouts)
	if c.Hashing == "" {
		c.Hashing = "none"
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	groups := make([]Group, len(c.Groups))
	for i, g := range c.Groups {
		if g.Name == "" {
			g.Name = fmt.Sprintf("group%d", i+1)
		}
		if g.Protocol == "" {
			g.Protocol = "carbonapi_v3_pb"
		}
		if g.LBMethod == "" {
			g.LBMethod = "broadcast"
		}
		t := c.Timeouts
		if g.Timeouts != nil {
			t = g.Timeouts.or(c.Timeouts)
		}
		g.Timeouts = &t
		if g.MaxTries == 0 {
			g.MaxTries = 1
		}
		g.Servers = slices.Clone(g.Servers)
		for j, s := range g.Servers {
			g.Servers[j] = strings.TrimRight(s, "/")
		}
		groups[i] = g
	}
	c.Groups = groups
	return c
}

// or returns t with each zero timeout taken from def.
func (t Timeouts) or(def Timeouts) Timeouts {
	if t.Find == 0 {
		t.Find = def.Find
	}
	if t.Render == 0 {
		t.Render = def.Render
	}
	if t.Connect == 0 {
		t.Connect = def.Connect
	}
	return t
}

// Validate checks c, defaults filled in, before anything is built from
// it; its errors wrap ErrConfig and name the field and value.
func (c Config) Validate() error {
	c = c.withDefaults()
	if len(c.Groups) == 0 {
		return fmt.Errorf("%w: no backend group (give -backend URL or groups in the file)", ErrConfig)
	}
	if !slices.Contains(Hashings, c.Hashing) {
		return fmt.Errorf("%w: hashing %q: want one of %s", ErrConfig, c.Hashing, strings.Join(Hashings, ", "))
	}
	if c.Replicas < 1 {
		return fmt.Errorf("%w: replicas %d: want at least 1", ErrConfig, c.Replicas)
	}
	if err := c.Timeouts.validate("timeouts"); err != nil {
		return err
	}
	seen := map[string]bool{}
	servers := map[string]string{}
	for _, g := range c.Groups {
		if seen[g.Name] {
			return fmt.Errorf("%w: group name %q is used twice", ErrConfig, g.Name)
		}
		seen[g.Name] = true
		if !slices.Contains(Protocols, g.Protocol) {
			return fmt.Errorf("%w: group %q: protocol %q: want one of %s", ErrConfig, g.Name, g.Protocol, strings.Join(Protocols, ", "))
		}
		switch g.LBMethod {
		case "broadcast", "rr":
		default:
			return fmt.Errorf("%w: group %q: lbMethod %q: want broadcast or rr", ErrConfig, g.Name, g.LBMethod)
		}
		if c.Hashing != "none" && g.LBMethod != "broadcast" {
			return fmt.Errorf("%w: group %q: hashing %s places names on servers: lbMethod must be broadcast, not %q", ErrConfig, g.Name, c.Hashing, g.LBMethod)
		}
		if g.MaxTries < 1 {
			return fmt.Errorf("%w: group %q: maxTries %d: want at least 1", ErrConfig, g.Name, g.MaxTries)
		}
		if err := g.Timeouts.validate("group " + g.Name + " timeouts"); err != nil {
			return err
		}
		if len(g.Servers) == 0 {
			return fmt.Errorf("%w: group %q has no servers", ErrConfig, g.Name)
		}
		if len(g.Instances) > 0 && len(g.Instances) != len(g.Servers) {
			return fmt.Errorf("%w: group %q has %d instances for %d servers: give one per server, or none", ErrConfig, g.Name, len(g.Instances), len(g.Servers))
		}
		if c.Hashing != "none" && c.Replicas > len(g.Servers) {
			return fmt.Errorf("%w: group %q: replicas %d, more than its %d servers", ErrConfig, g.Name, c.Replicas, len(g.Servers))
		}
		for _, s := range g.Servers {
			if err := validURL(s); err != nil {
				return fmt.Errorf("%w: group %q: server %q: %w", ErrConfig, g.Name, s, err)
			}
			if other, ok := servers[s]; ok {
				return fmt.Errorf("%w: server %q is in groups %q and %q", ErrConfig, s, other, g.Name)
			}
			servers[s] = g.Name
		}
	}
	return nil
}

// validate refuses negative timeouts.
func (t Timeouts) validate(where string) error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"find", t.Find}, {"render", t.Render}, {"connect", t.Connect}} {
		if d.v < 0 {
			return fmt.Errorf("%w: %s %s %s is negative", ErrConfig, where, d.name, d.v)
		}
	}
	return nil
}

// validURL accepts http and https URLs with a host and nothing after the
// path: a server is asked at its URL plus /render/, /metrics/find/, ...
func validURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return err
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("want an http:// or https:// URL")
	case u.Host == "":
		return fmt.Errorf("no host")
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("a server URL takes no query or fragment")
	}
	return nil
}

// Servers returns every server of c, group by group.
func (c Config) Servers() []string {
	var out []string
	for _, g := range c.Groups {
		out = append(out, g.Servers...)
	}
	return out
}
