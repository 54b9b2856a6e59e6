package main

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func load(t *testing.T, args []string, vars map[string]string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return loadConfig(fs, args, env(vars))
}

func TestConfigDefaults(t *testing.T) {
	c, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "localhost:8080" || c.PublicURL != "http://localhost:8080" || c.DataDir != "lyceum-data" ||
		c.DatabaseURL != "" || c.RedisURL != "" || c.AdminAddr != "localhost:9090" || c.ShutdownTimeout != 15*time.Second {
		t.Errorf("unexpected defaults: %+v", c)
	}
}

func TestConfigFlagsWinOverEnvironment(t *testing.T) {
	c, err := load(t, []string{"-addr", ":9000"}, map[string]string{"LYCEUM_ADDR": ":7000", "LYCEUM_DATA_DIR": "/tmp/x"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" || c.DataDir != "/tmp/x" || c.PublicURL != "http://localhost:9000" {
		t.Errorf("got addr %q data %q public %q", c.Addr, c.DataDir, c.PublicURL)
	}
}

func TestConfigBadValueNamesTheSetting(t *testing.T) {
	cases := []struct {
		args []string
		vars map[string]string
		want string
	}{
		{nil, map[string]string{"LYCEUM_ADDR": "nonsense"}, "LYCEUM_ADDR"},
		{nil, map[string]string{"LYCEUM_DATABASE_URL": "mysql://x"}, "LYCEUM_DATABASE_URL"},
		{nil, map[string]string{"LYCEUM_REDIS_URL": "http://x"}, "LYCEUM_REDIS_URL"},
		{nil, map[string]string{"LYCEUM_LOG_LEVEL": "loud"}, "LYCEUM_LOG_LEVEL"},
		{nil, map[string]string{"LYCEUM_PUBLIC_URL": "school"}, "LYCEUM_PUBLIC_URL"},
		{nil, map[string]string{"LYCEUM_SHUTDOWN_TIMEOUT": "soon"}, "LYCEUM_SHUTDOWN_TIMEOUT"},
		{nil, map[string]string{"LYCEUM_TLS_CERT": "/nonexistent"}, "LYCEUM_TLS"},
		{nil, map[string]string{"LYCEUM_TRUST_PROXY": "maybe"}, "LYCEUM_TRUST_PROXY"},
		{[]string{"-admin-addr", "x"}, nil, "-admin-addr"},
	}
	for _, tc := range cases {
		_, err := load(t, tc.args, tc.vars)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v %v: got %v, want one line naming %s", tc.args, tc.vars, err, tc.want)
		}
	}
}

func TestREADMEListsEverySetting(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings() {
		row := "| `" + s.env + "` |"
		if s.flag != "" {
			row += " `-" + s.flag + "` |"
		}
		if !strings.Contains(string(b), row) {
			t.Errorf("README.md has no configuration row starting %q", row)
		}
	}
}
