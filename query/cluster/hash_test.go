package cluster

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// placements were printed by carbon-c-relay 3.7.3 (Debian's, in its -t
// test mode) for two clusters with replication 2:
//
//	cluster carb carbon_ch replication 2
//	    10.0.0.1:2003 10.0.0.2:2003 10.0.0.3:2003=b node4.example:2003;
//	cluster jump jump_fnv1a_ch replication 2
//	    10.0.1.1:2003 10.0.1.2:2003=2 10.0.1.3:2003=1 10.0.1.4:2003;
var placements = []struct {
	metric      string
	carbon, jmp [2]string
}{
	{"servers.web01.cpu.user", [2]string{"10.0.0.2", "10.0.0.3"}, [2]string{"10.0.1.1", "10.0.1.2"}},
	{"mix.step10.a", [2]string{"10.0.0.3", "10.0.0.2"}, [2]string{"10.0.1.4", "10.0.1.1"}},
	{"collectd.test-java01.cpu-0.cpu-user", [2]string{"10.0.0.1", "10.0.0.2"}, [2]string{"10.0.1.3", "10.0.1.4"}},
	{"a", [2]string{"10.0.0.3", "10.0.0.2"}, [2]string{"10.0.1.1", "10.0.1.4"}},
	{"servers.db01.disk.used", [2]string{"10.0.0.1", "10.0.0.2"}, [2]string{"10.0.1.2", "10.0.1.1"}},
	{"x.y.z", [2]string{"10.0.0.3", "node4.example"}, [2]string{"10.0.1.1", "10.0.1.4"}},
	{"servers.web02.memory.free", [2]string{"10.0.0.3", "10.0.0.2"}, [2]string{"10.0.1.2", "10.0.1.1"}},
	{"carbon.agents.host1.cpu", [2]string{"10.0.0.3", "10.0.0.1"}, [2]string{"10.0.1.4", "10.0.1.2"}},
	{"hosts.node42.load.shortterm", [2]string{"10.0.0.1", "10.0.0.2"}, [2]string{"10.0.1.3", "10.0.1.2"}},
	{"apps.checkout.requests.count", [2]string{"10.0.0.2", "10.0.0.1"}, [2]string{"10.0.1.2", "10.0.1.3"}},
}

// servers returns backends named by URL with the given hosts and
// instances, as a group of the front's configuration lists them.
func servers(hosts, instances []string) []*backend {
	out := make([]*backend, len(hosts))
	for i, h := range hosts {
		out[i] = &backend{name: "http://" + h + ":8080", instance: instances[i]}
	}
	return out
}

func hostsOf(bs []*backend) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = hostOf(b.name)
	}
	return out
}

func TestPlacementIsCarbonCRelays(t *testing.T) {
	carbon := newRing("carbon_ch", 2, servers([]string{"10.0.0.1", "10.0.0.2", "10.0.0.3", "node4.example"}, []string{"", "", "b", ""}))
	jump := newRing("jump_fnv1a_ch", 2, servers([]string{"10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4"}, []string{"", "2", "1", ""}))
	for _, p := range placements {
		assert.Equal(t, p.carbon[:], hostsOf(carbon.place(p.metric)), "carbon_ch %s", p.metric)
		assert.Equal(t, p.jmp[:], hostsOf(jump.place(p.metric)), "jump_fnv1a_ch %s", p.metric)
	}
	// One replica is the first of the two.
	one := newRing("carbon_ch", 1, carbon.servers)
	assert.Equal(t, []string{"10.0.0.2"}, hostsOf(one.place("servers.web01.cpu.user")))
}

func TestTargetsBroadcastGlobs(t *testing.T) {
	rs := rings{newRing("jump_fnv1a_ch", 1, servers([]string{"h1", "h2", "h3"}, []string{"", "", ""}))}
	for _, names := range [][]string{{"a.*"}, {"a.b", "a.{c,d}"}, {"a.b?"}, {"a.[bc]"}, {"seriesByTag('name=a.b')"}} {
		assert.Nil(t, rs.targets(names), "%q", names)
	}
	assert.Nil(t, rings(nil).targets([]string{"a.b"}))
	got := rs.targets([]string{"a.b", "c.d", "e.f"})
	n := 0
	for _, names := range got {
		n += len(names)
	}
	assert.Equal(t, 3, n, "each exact name goes to one server: %v", got)
}

func TestJumpBucketIsStable(t *testing.T) {
	// Growing the buckets moves a key only to the new bucket.
	for key := uint64(1); key < 2000; key += 7 {
		h := fnv1a64(string(rune(key)) + "metric")
		prev := jumpBucket(h, 5)
		if next := jumpBucket(h, 6); next != prev {
			assert.Equal(t, 5, next)
		}
	}
}
