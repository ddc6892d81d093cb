package app

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// env is a fake environment for Load.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func load(role Role, kv map[string]string, args ...string) (Config, error) {
	fs := flag.NewFlagSet(role.String(), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return Load(fs, role, args, env(kv))
}

func TestLoadDefaults(t *testing.T) {
	c, err := load(All, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Role: All, Addr: ":8080", MetricsAddr: ":9090", Concurrency: 4, ScheduleEvery: time.Minute,
		CrawlTimeout: time.Hour, ShutdownTimeout: 30 * time.Second, RawRetention: 180 * 24 * time.Hour,
		MeiliIndex: "events", APIRate: 20, APIBurst: 100, APIMaxBody: 1 << 20, APITimeout: 10 * time.Second,
		LogLevel: slog.LevelInfo}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", c, want)
	}
}

func TestLoadEnvironmentAndFlags(t *testing.T) {
	c, err := load(All, map[string]string{
		"API_TIMEOUT": "3s", "API_MAX_BODY": "64KiB", "ALLOW_PRIVATE": "1", "TRUST_PROXY": "true",
		"CORS_ORIGINS": "https://partner.example, http://localhost:3000", "CONCURRENCY": "2", "ADDR": ":1",
		"MEILI_MASTER_KEY": "master", "METRICS_ADDR": "127.0.0.1:9999", "LOG_LEVEL": "debug",
	}, "--concurrency", "7", "--metrics-addr", "", "--allow-private=false")
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case c.APITimeout != 3*time.Second, c.APIMaxBody != 64<<10, !c.TrustProxy, c.Addr != ":1", c.MeiliKey != "master",
		c.LogLevel != slog.LevelDebug:
		t.Errorf("environment not read: %+v", c)
	case c.Concurrency != 7, c.MetricsAddr != "", c.AllowPrivate:
		t.Errorf("flags do not win over the environment: %+v", c)
	case strings.Join(c.CORSOrigins, "|") != "https://partner.example|http://localhost:3000":
		t.Errorf("CORS_ORIGINS = %q", c.CORSOrigins)
	}
	// MEILI_KEY is the first name; MEILI_MASTER_KEY the fallback.
	if c, _ := load(Serve, map[string]string{"MEILI_KEY": "k", "MEILI_MASTER_KEY": "m"}); c.MeiliKey != "k" {
		t.Errorf("MeiliKey = %q, want MEILI_KEY's", c.MeiliKey)
	}
}

// TestLoadRefusesBadValues: a bad value stops the start with an error that
// names the variable or flag and what was wanted, never the value.
func TestLoadRefusesBadValues(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{env: map[string]string{"API_TIMEOUT": "abc"}, want: "API_TIMEOUT: invalid duration"},
		{env: map[string]string{"API_TIMEOUT": "0s"}, want: "API_TIMEOUT: invalid duration (want at least 1ms)"},
		{env: map[string]string{"RAW_RETENTION": "-1h"}, want: "RAW_RETENTION: invalid duration"},
		{env: map[string]string{"RAW_RETENTION": "180d"}, want: "RAW_RETENTION: invalid duration"},
		{env: map[string]string{"CONCURRENCY": "four"}, want: "CONCURRENCY: invalid integer"},
		{env: map[string]string{"CONCURRENCY": "0"}, want: "CONCURRENCY: out of range"},
		{env: map[string]string{"API_BURST": "1e3"}, want: "API_BURST: invalid integer"},
		{env: map[string]string{"API_RATE": "fast"}, want: "API_RATE: invalid rate"},
		{env: map[string]string{"API_RATE": "-1"}, want: "API_RATE: invalid rate"},
		{env: map[string]string{"API_RATE": "NaN"}, want: "API_RATE: invalid rate"},
		{env: map[string]string{"API_MAX_BODY": "1MB"}, want: "API_MAX_BODY: invalid size"},
		{env: map[string]string{"API_MAX_BODY": "9999999MiB"}, want: "API_MAX_BODY: out of range"},
		{env: map[string]string{"ALLOW_PRIVATE": "yes"}, want: "ALLOW_PRIVATE: invalid boolean"},
		{env: map[string]string{"TRUST_PROXY": "on"}, want: "TRUST_PROXY: invalid boolean"},
		{env: map[string]string{"INSECURE_COOKIES": "2"}, want: "INSECURE_COOKIES: invalid boolean"},
		{env: map[string]string{"ADDR": "8080"}, want: "ADDR: invalid listen address"},
		{env: map[string]string{"METRICS_ADDR": ":99999"}, want: "METRICS_ADDR: invalid port"},
		{env: map[string]string{"PPROF_ADDR": "localhost"}, want: "PPROF_ADDR: invalid listen address"},
		{env: map[string]string{"BASE_URL": "treffpunkt.example"}, want: "BASE_URL: invalid URL"},
		{env: map[string]string{"MEILI_URL": "ftp://meili"}, want: "MEILI_URL: invalid URL"},
		{env: map[string]string{"IMPRESSUM_URL": "/impressum"}, want: "IMPRESSUM_URL: invalid URL"},
		{env: map[string]string{"MEILI_INDEX": "events 2"}, want: "MEILI_INDEX: invalid index uid"},
		{env: map[string]string{"CORS_ORIGINS": "https://ok.example,partner.example"}, want: "CORS_ORIGINS: invalid origin #2"},
		{env: map[string]string{"TRUSTED_ORIGINS": "*"}, want: "TRUSTED_ORIGINS: invalid origin #1"},
		{env: map[string]string{"MAP_TILES": "https://tiles.example/{z}/{x}.png"}, want: "MAP_TILES: invalid tile URL template (no {y})"},
		{env: map[string]string{"LOG_FORMAT": "yaml"}, want: "LOG_FORMAT: invalid log format"},
		{env: map[string]string{"LOG_LEVEL": "verbose"}, want: "LOG_LEVEL: invalid log level"},
		{args: []string{"--concurrency", "x"}, want: "--concurrency: invalid integer"},
		{args: []string{"--shutdown-timeout", "soon"}, want: "--shutdown-timeout: invalid duration"},
		{args: []string{"--schedule-every", "10ms"}, want: "--schedule-every: invalid duration (want at least 1s)"},
		{args: []string{"--allow-private=maybe"}, want: "--allow-private: invalid boolean"},
		{args: []string{"stray"}, want: `unexpected argument "stray"`},
	} {
		_, err := load(All, tt.env, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: err = %v, want %q", tt.env, tt.args, err, tt.want)
		}
	}
}

func TestLoadReportsEveryBadValueAndNoSecret(t *testing.T) {
	_, err := load(Serve, map[string]string{"DATABASE_URL": "postgres://u:s3cret@db:notaport/x", "API_TIMEOUT": "abc", "MEILI_URL": "s3cret"})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"DATABASE_URL: invalid connection string", "API_TIMEOUT: invalid duration", "MEILI_URL: invalid URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("err repeats a value: %v", err)
	}
}

// TestFlagsPerRole: each command has the flags of its role only.
func TestFlagsPerRole(t *testing.T) {
	for _, tt := range []struct {
		role Role
		flag string
		ok   bool
	}{
		{Serve, "--addr=:1", true}, {Worker, "--addr=:1", false}, {All, "--addr=:1", true},
		{Serve, "--sources=x.yaml", false}, {Worker, "--sources=x.yaml", true}, {All, "--concurrency=2", true},
		{Serve, "--metrics-addr=", true}, {Worker, "--metrics-addr=", true}, {Worker, "--pprof=127.0.0.1:0", true},
	} {
		_, err := load(tt.role, nil, tt.flag)
		if (err == nil) != tt.ok {
			t.Errorf("%s %s: err = %v", tt.role, tt.flag, err)
		}
	}
	if _, err := load(Serve, nil, "-h"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: err = %v, want flag.ErrHelp", err)
	}
}

// TestOneShotCommands: the one-shot commands read their own settings
// through the same table (flags winning over variables, secrets named not
// shown in --help) and are not stopped by settings they do not read.
func TestOneShotCommands(t *testing.T) {
	for _, n := range roleNames {
		if _, err := load(n.r, nil); err != nil { // a flag defined twice would panic
			t.Errorf("%s: defaults: %v", n.name, err)
		}
	}
	c, err := load(Migrate, map[string]string{"DATABASE_URL": "postgres://env/x", "API_TIMEOUT": "abc", "CONCURRENCY": "0"},
		"--database-url", "postgres://flag/x")
	if err != nil || c.DatabaseURL != "postgres://flag/x" {
		t.Errorf("migrate: %q, %v", c.DatabaseURL, err)
	}
	c, err = load(Reindex, map[string]string{"MEILI_URL": "http://meili:7700", "MEILI_MASTER_KEY": "m"}, "--meili-index", "events_2")
	if err != nil || c.MeiliURL != "http://meili:7700" || c.MeiliKey != "m" || c.MeiliIndex != "events_2" {
		t.Errorf("reindex: %+v, %v", c, err)
	}
	if c, err := load(Crawl, nil); err != nil || c.Sources != "sources.yaml" {
		t.Errorf("crawl: Sources = %q, %v", c.Sources, err)
	}
	if c, err := load(Worker, nil); err != nil || c.Sources != "" {
		t.Errorf("worker: Sources = %q, %v", c.Sources, err)
	}
	if c, err := load(DemoSites, map[string]string{"DEMO_ADDR": "127.0.0.1:9"}); err != nil || c.DemoAddr != "127.0.0.1:9" {
		t.Errorf("demo-sites: DemoAddr = %q, %v", c.DemoAddr, err)
	}
	for _, tt := range []struct {
		role Role
		flag string
	}{{Migrate, "--addr=:1"}, {Crawl, "--concurrency=2"}, {Serve, "--meili-url=http://m"}, {Users, "--sources=x"}} {
		if _, err := load(tt.role, nil, tt.flag); err == nil {
			t.Errorf("%s accepts %s", tt.role, tt.flag)
		}
	}
	var help bytes.Buffer
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	fs.SetOutput(&help)
	_, err = Load(fs, Reindex, []string{"-h"}, env(map[string]string{"DATABASE_URL": "postgres://u:s3cret@db/x", "MEILI_KEY": "s3cret"}))
	if !errors.Is(err, flag.ErrHelp) || strings.Contains(help.String(), "s3cret") || !strings.Contains(help.String(), "$MEILI_KEY") {
		t.Errorf("reindex -h: %v\n%s", err, help.String())
	}
}

func TestNewLogger(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewLogger(&buf, env(map[string]string{"LOG_FORMAT": "json", "LOG_LEVEL": "warn"}))
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hidden")
	log.Warn("shown")
	if s := buf.String(); strings.Contains(s, "hidden") || !strings.Contains(s, `"msg":"shown"`) {
		t.Errorf("log = %s", s)
	}
	if _, err := NewLogger(io.Discard, env(map[string]string{"LOG_LEVEL": "loud"})); err == nil || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("LOG_LEVEL=loud: err = %v", err)
	}
}

var update = flag.Bool("update", false, "rewrite README.md's Configuration table from the settings")

// TestREADMEConfiguration keeps the README's table and the settings one:
// go test ./internal/app -run TestREADMEConfiguration -update rewrites it.
func TestREADMEConfiguration(t *testing.T) {
	const path = "../../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	const begin, end = "<!-- configuration table: generated by internal/app (go test -run TestREADMEConfiguration -update) -->\n", "<!-- end of configuration table -->\n"
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q … %q", begin, end)
	}
	want := configurationTable()
	if got := readme[i+len(begin) : j]; got != want {
		if *update {
			if err := os.WriteFile(path, []byte(readme[:i+len(begin)]+want+readme[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README.md's Configuration table differs from the settings; run with -update. Want:\n%s", want)
	}
}

func TestDefaultsAreValid(t *testing.T) {
	for _, s := range settings {
		var c Config
		if err := s.set(&c, s.def); err != nil {
			t.Errorf("%s: default %q: %v", s.name(), s.def, err)
		}
	}
}
