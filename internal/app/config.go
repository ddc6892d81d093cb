package app

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Role is what a command does. The processes serve HTTP, work the job
// queue, or both (All); the one-shot commands read the few settings they
// need from the same table, so their bad values are start-up errors too.
type Role uint16

// The roles of `serve`, `worker` and `all`, then of the one-shot commands
// that read settings.
const (
	Serve Role = 1 << iota
	Worker
	Migrate
	Crawl
	Renormalize
	Reindex
	Users
	APIKeys
	DemoSites

	All = Serve | Worker
	// withDatabase are the commands that connect to PostgreSQL.
	withDatabase = All | Migrate | Crawl | Renormalize | Reindex | Users | APIKeys
)

// roleNames spells each role as its command is called.
var roleNames = []struct {
	r    Role
	name string
}{{Serve, "serve"}, {Worker, "worker"}, {All, "all"}, {Migrate, "migrate"}, {Crawl, "crawl"},
	{Renormalize, "renormalize"}, {Reindex, "reindex"}, {Users, "users"}, {APIKeys, "apikeys"}, {DemoSites, "demo-sites"}}

func (r Role) String() string {
	for _, n := range roleNames {
		if n.r == r {
			return n.name
		}
	}
	return fmt.Sprintf("Role(%d)", uint16(r))
}

// Config is everything a command is configured with (a one-shot command
// gets only the fields of its settings). Load fills it from the settings
// table below, so each value has exactly one name, default and check.
type Config struct {
	Role Role

	DatabaseURL string
	Addr        string // public HTTP listener (Serve)
	MetricsAddr string // /metrics, /healthz, /readyz; "" for none
	PprofAddr   string // net/http/pprof; "" for none

	Sources         string // sources file recorded at start (Worker; "" for none) or crawled (Crawl)
	AllowPrivate    bool
	Concurrency     int
	ScheduleEvery   time.Duration
	CrawlTimeout    time.Duration
	ShutdownTimeout time.Duration
	RawRetention    time.Duration

	MeiliURL, MeiliKey, MeiliIndex string

	BaseURL         string
	TrustProxy      bool
	InsecureCookies bool
	CORSOrigins     []string
	TrustedOrigins  []string
	MapTiles        string
	ImpressumURL    string
	PrivacyURL      string

	APIRate    float64
	APIBurst   int
	APIMaxBody int64
	APITimeout time.Duration

	LogJSON  bool
	LogLevel slog.Level

	DemoAddr string // listener of `demo-sites`
}

// setting is one configuration value: the commands that read it, its flag
// (for the roles in flagRoles) and environment variables, its default, and
// how it is read into Config. The README's Configuration table is generated
// from these.
type setting struct {
	roles     Role // 0: the processes (All)
	flag      string
	flagRoles Role
	env       []string // the first one set wins
	def       string   // parsed like a given value; "" shows as —
	secret    bool     // --help names the variable instead of its value
	help      string
	set       func(c *Config, v string) error
}

// settings is the one list of what the commands read from flags and the
// environment. A role has each flag name once; two settings may share one
// for different roles (`--sources`, `--addr`).
var settings = []setting{
	{roles: withDatabase, flag: "database-url", flagRoles: withDatabase, env: []string{"DATABASE_URL"}, secret: true, help: "PostgreSQL connection URL",
		set: func(c *Config, v string) error { c.DatabaseURL = v; return checkDatabaseURL(v) }},
	{flag: "addr", flagRoles: Serve, env: []string{"ADDR"}, def: ":8080", help: "listen address of `serve` and `all`",
		set: addr(func(c *Config) *string { return &c.Addr }, false)},
	{flag: "metrics-addr", flagRoles: All, env: []string{"METRICS_ADDR"}, def: ":9090",
		help: "listener for `/metrics`, `/healthz`, `/readyz` (`serve`, `all`, `worker`); never on the public port; empty flag: none",
		set:  addr(func(c *Config) *string { return &c.MetricsAddr }, true)},
	{flag: "pprof", flagRoles: All, env: []string{"PPROF_ADDR"},
		help: "serve Go profiles (net/http/pprof) on this address, e.g. `127.0.0.1:6060`; bind it to loopback",
		set:  addr(func(c *Config) *string { return &c.PprofAddr }, true)},

	{flag: "sources", flagRoles: Worker, env: []string{"SOURCES"},
		help: "sources file whose entries `worker` and `all` add to (or update in) the database at start",
		set:  setSources},
	{roles: Crawl, flag: "sources", flagRoles: Crawl, env: []string{"SOURCES"}, def: "sources.yaml", help: "sources file `crawl` crawls",
		set: setSources},
	{flag: "allow-private", flagRoles: Worker, env: []string{"ALLOW_PRIVATE"}, def: "false",
		help: "let sources (and staff-added sources) reach private/loopback addresses — demo and tests only",
		set:  boolean(func(c *Config) *bool { return &c.AllowPrivate })},
	{flag: "concurrency", flagRoles: Worker, env: []string{"CONCURRENCY"}, def: "4", help: "sources crawled at the same time by one process",
		set: integer(func(c *Config) *int { return &c.Concurrency }, 1, 1000)},
	{flag: "schedule-every", flagRoles: Worker, def: "1m", help: "how often to look for sources whose interval has passed",
		set: duration(func(c *Config) *time.Duration { return &c.ScheduleEvery }, time.Second)},
	{flag: "crawl-timeout", flagRoles: Worker, def: "1h", help: "cancel (and retry) a crawl that runs longer",
		set: duration(func(c *Config) *time.Duration { return &c.CrawlTimeout }, time.Second)},
	{flag: "shutdown-timeout", flagRoles: Worker, def: "30s", help: "on SIGTERM, how long running crawls may take to finish before they are cancelled",
		set: duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout }, 0)},
	{flag: "raw-retention", flagRoles: Worker, env: []string{"RAW_RETENTION"}, def: "4320h",
		help: "raw pages of events that ended longer ago (180 days by default) are pruned (kept: URL, title, dates, place); `0` keeps them",
		set:  duration(func(c *Config) *time.Duration { return &c.RawRetention }, 0)},

	{roles: All | Reindex, flag: "meili-url", flagRoles: Reindex, env: []string{"MEILI_URL"},
		help: "use Meilisearch (with Postgres as fallback) instead of Postgres full-text search alone; `reindex` rebuilds its index",
		set:  absURL(func(c *Config) *string { return &c.MeiliURL })},
	{roles: All | Reindex, flag: "meili-key", flagRoles: Reindex, env: []string{"MEILI_KEY", "MEILI_MASTER_KEY"}, secret: true,
		help: "Meilisearch key (the master key, or one allowed to manage the index)",
		set:  func(c *Config, v string) error { c.MeiliKey = v; return nil }},
	{roles: All | Reindex, flag: "meili-index", flagRoles: Reindex, env: []string{"MEILI_INDEX"}, def: "events", help: "Meilisearch index uid",
		set: func(c *Config, v string) error {
			c.MeiliIndex = v
			if !indexUID.MatchString(v) {
				return errors.New("invalid index uid (want letters, digits, - and _)")
			}
			return nil
		}},

	{env: []string{"BASE_URL"}, help: "public origin for links in feeds, widget snippets and partner pages (set it in production; default: the request's)",
		set: absURL(func(c *Config) *string { return &c.BaseURL })},
	{env: []string{"TRUST_PROXY"}, def: "false",
		help: "take the client address from `X-Forwarded-For` (behind a reverse proxy) for rate limits and the login throttle",
		set:  boolean(func(c *Config) *bool { return &c.TrustProxy })},
	{env: []string{"INSECURE_COOKIES"}, def: "false",
		help: "staff session cookies without `Secure` (plain-HTTP deployments other than localhost; never in production)",
		set:  boolean(func(c *Config) *bool { return &c.InsecureCookies })},
	{env: []string{"CORS_ORIGINS"}, help: "comma-separated origins allowed to call `/graphql` from a browser (`*` for any; default: same origin)",
		set: origins(func(c *Config) *[]string { return &c.CORSOrigins }, true)},
	{env: []string{"TRUSTED_ORIGINS"}, help: "comma-separated extra origins allowed to post staff forms (CSRF protection)",
		set: origins(func(c *Config) *[]string { return &c.TrustedOrigins }, false)},
	{env: []string{"MAP_TILES"}, help: "tile server URL template (`https://…/{z}/{x}/{y}.png`) for a small map on event pages; without it they link to OpenStreetMap",
		set: func(c *Config, v string) error {
			c.MapTiles = v
			if v == "" {
				return nil
			}
			for _, p := range []string{"{z}", "{x}", "{y}"} {
				if !strings.Contains(v, p) {
					return fmt.Errorf("invalid tile URL template (no %s)", p)
				}
			}
			return checkAbsURL(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(v))
		}},
	{env: []string{"IMPRESSUM_URL"}, help: "legal notice page, linked in the footer of every public page",
		set: absURL(func(c *Config) *string { return &c.ImpressumURL })},
	{env: []string{"DATENSCHUTZ_URL"}, help: "privacy page, linked in the footer of every public page",
		set: absURL(func(c *Config) *string { return &c.PrivacyURL })},

	{env: []string{"API_RATE"}, def: "20", help: "requests per second per client address and per API key on `/graphql` (429 with `Retry-After`); `0` turns the limit off",
		set: func(c *Config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
				return errors.New("invalid rate (want a number ≥ 0)")
			}
			c.APIRate = f
			return nil
		}},
	{env: []string{"API_BURST"}, def: "100", help: "requests a client may make at once before `API_RATE` applies",
		set: integer(func(c *Config) *int { return &c.APIBurst }, 1, 1<<20)},
	{env: []string{"API_MAX_BODY"}, def: "1MiB", help: "largest `/graphql` request body (413 beyond); bytes, or with KiB/MiB",
		set: size(func(c *Config) *int64 { return &c.APIMaxBody }, 1<<10, 64<<20)},
	{env: []string{"API_TIMEOUT"}, def: "10s", help: "a `/graphql` request's deadline: its resolvers and database queries are cancelled when it passes or the client goes",
		set: duration(func(c *Config) *time.Duration { return &c.APITimeout }, time.Millisecond)},

	{env: []string{"LOG_FORMAT"}, def: "text", help: "`json` for JSON logs (log/slog) on stderr (every command)",
		set: func(c *Config, v string) error {
			switch v {
			case "text", "json":
				c.LogJSON = v == "json"
				return nil
			}
			return errors.New("invalid log format (want text or json)")
		}},
	{env: []string{"LOG_LEVEL"}, def: "info", help: "`debug` for request logs; `warn`, `error` for fewer (every command)",
		set: func(c *Config, v string) error {
			if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
				return errors.New("invalid log level (want debug, info, warn or error)")
			}
			return nil
		}},

	{roles: DemoSites, flag: "addr", flagRoles: DemoSites, env: []string{"DEMO_ADDR"}, def: "127.0.0.1:8081",
		help: "listen address of `demo-sites`, the offline mirror of the partner sites",
		set:  addr(func(c *Config) *string { return &c.DemoAddr }, false)},
}

// setSources takes the sources file as named: source.Load says what is
// wrong with it.
func setSources(c *Config, v string) error { c.Sources = v; return nil }

var indexUID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,400}$`)

// Load reads the configuration of a command in role: defaults, then the
// environment (through getenv), then the flags in args, which it adds to fs.
// An empty environment variable counts as unset. Every value is checked; an
// error names the variable or flag and never repeats the value, which may be
// a secret. A command's own flags (those of no setting) may be on fs
// already. Positional arguments are refused.
func Load(fs *flag.FlagSet, role Role, args []string, getenv func(string) string) (Config, error) {
	c, rest, err := LoadArgs(fs, role, args, getenv)
	if err == nil && len(rest) > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", rest[0])
	}
	return c, err
}

// LoadArgs is Load for a command that takes positional arguments: it
// returns them, unchecked.
func LoadArgs(fs *flag.FlagSet, role Role, args []string, getenv func(string) string) (Config, []string, error) {
	list := settingsOf(role)
	given := map[string]*flagValue{}
	for _, s := range list {
		if s.flag == "" || s.flagRoles&role == 0 {
			continue
		}
		v := &flagValue{isBool: s.def == "false" || s.def == "true"}
		v.shown = s.def
		if env := firstSet(s.env, getenv); env != "" {
			v.shown = getenv(env)
			if s.secret {
				v.shown = "$" + env
			}
		}
		given[s.flag] = v
		fs.Var(v, s.flag, flagHelp(s))
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, nil, err
	}
	c := Config{Role: role}
	if err := apply(&c, list, getenv, given); err != nil {
		return Config{}, nil, err
	}
	return c, fs.Args(), nil
}

// settingsOf are the settings a command in role reads.
func settingsOf(role Role) []setting {
	var out []setting
	for _, s := range settings {
		if s.readBy()&role != 0 {
			out = append(out, s)
		}
	}
	return out
}

func (s setting) readBy() Role {
	if s.roles == 0 {
		return All
	}
	return s.roles
}

// apply reads each setting into c from its default, its environment
// variable, then its flag, and collects the errors.
func apply(c *Config, list []setting, getenv func(string) string, given map[string]*flagValue) error {
	var errs []error
	for _, s := range list {
		name, v := "", s.def
		if env := firstSet(s.env, getenv); env != "" {
			name, v = env, getenv(env)
		}
		if f := given[s.flag]; f != nil && f.set {
			name, v = "--"+s.flag, f.value
		}
		if err := s.set(c, v); err != nil {
			if name == "" {
				name = "default of " + s.name()
			}
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// Env returns the configuration from the environment alone, with the
// defaults for what it does not set (tests and tools).
func Env(role Role, getenv func(string) string) (Config, error) {
	return Load(flag.NewFlagSet(role.String(), flag.ContinueOnError), role, nil, getenv)
}

func (s setting) name() string {
	if len(s.env) > 0 {
		return s.env[0]
	}
	return "--" + s.flag
}

func firstSet(names []string, getenv func(string) string) string {
	for _, n := range names {
		if getenv(n) != "" {
			return n
		}
	}
	return ""
}

func flagHelp(s setting) string {
	h := strings.ReplaceAll(s.help, "`", "")
	if len(s.env) > 0 {
		h += " (env " + strings.Join(s.env, ", ") + ")"
	}
	return h
}

// flagValue records a flag's raw text; Load parses it with the setting's
// own function, so a flag and its variable are checked alike.
type flagValue struct {
	value, shown string
	set, isBool  bool
}

func (f *flagValue) String() string {
	if f == nil {
		return ""
	}
	return f.shown
}

func (f *flagValue) Set(v string) error { f.value, f.set = v, true; return nil }

// IsBoolFlag lets `--allow-private` stand without a value.
func (f *flagValue) IsBoolFlag() bool { return f.isBool }

func duration(field func(*Config) *time.Duration, min time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return errors.New("invalid duration (want e.g. 10s, 5m, 4320h)")
		}
		if d < min || (min == 0 && d < 0) {
			return fmt.Errorf("invalid duration (want at least %s)", min)
		}
		*field(c) = d
		return nil
	}
}

func integer(field func(*Config) *int, min, max int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return errors.New("invalid integer")
		}
		if n < min || n > max {
			return fmt.Errorf("out of range (want %d to %d)", min, max)
		}
		*field(c) = n
		return nil
	}
}

func boolean(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("invalid boolean (want 1 or 0, true or false)")
		}
		*field(c) = b
		return nil
	}
}

// size reads a byte count: digits, optionally followed by KiB or MiB.
func size(field func(*Config) *int64, min, max int64) func(*Config, string) error {
	return func(c *Config, v string) error {
		unit := int64(1)
		for suffix, u := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20} {
			if n, ok := strings.CutSuffix(v, suffix); ok {
				v, unit = n, u
			}
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errors.New("invalid size (want bytes, or a number with KiB or MiB)")
		}
		if n > max/unit || n*unit < min {
			return fmt.Errorf("out of range (want %d to %d bytes)", min, max)
		}
		*field(c) = n * unit
		return nil
	}
}

// addr reads a listen address, host:port; optional ones may be empty (off).
func addr(field func(*Config) *string, optional bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		*field(c) = v
		if v == "" && optional {
			return nil
		}
		_, port, err := net.SplitHostPort(v)
		if err != nil {
			return errors.New("invalid listen address (want host:port or :port)")
		}
		if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			return errors.New("invalid port")
		}
		return nil
	}
}

// absURL reads an optional absolute http(s) URL.
func absURL(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		*field(c) = v
		if v == "" {
			return nil
		}
		return checkAbsURL(v)
	}
}

func checkAbsURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("invalid URL (want an absolute http:// or https:// URL)")
	}
	return nil
}

// origins reads a comma-separated list of origins (scheme://host[:port]);
// with wildcard, "*" too.
func origins(field func(*Config) *[]string, wildcard bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		var out []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			if p != "*" || !wildcard {
				u, err := url.Parse(p)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
					return fmt.Errorf("invalid origin #%d (want scheme://host[:port])", len(out)+1)
				}
			}
			out = append(out, p)
		}
		*field(c) = out
		return nil
	}
}

// checkDatabaseURL lets pgx read the connection string now, so a typo stops
// the start instead of the first connection. pgx's own error is not passed
// on: it may quote parts of the string.
func checkDatabaseURL(v string) error {
	if v == "" {
		return nil // libpq's defaults and PG* variables
	}
	if _, err := pgxpool.ParseConfig(v); err != nil {
		return errors.New("invalid connection string (want postgres://… or key=value pairs)")
	}
	return nil
}

// configurationTable is the README's table of the settings (Markdown).
func configurationTable() string {
	var b strings.Builder
	b.WriteString("| flag | environment | default | meaning |\n|---|---|---|---|\n")
	for _, s := range settings {
		var flag, env, def string
		if s.flag != "" {
			flag = "`--" + s.flag + "`"
			if s.flagRoles != All {
				var roles []string
				for _, n := range roleNames {
					if s.flagRoles&n.r != 0 {
						roles = append(roles, n.name)
					}
				}
				flag += " (" + strings.Join(roles, ", ") + ")"
			}
		}
		for i, e := range s.env {
			if i > 0 {
				env += ", "
			}
			env += "`" + e + "`"
		}
		def = "—"
		if s.def != "" {
			def = "`" + s.def + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", flag, env, def, s.help)
	}
	return b.String()
}
