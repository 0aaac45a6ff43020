//! Codes of php-fpm load problems (FPM001–FPM099).

use lint_source::{Family, RuleMeta, Severity};

/// FPM001: a line starting with `#`: php-fpm does not know `#` comments and refuses to start
pub static HASH_COMMENT: RuleMeta = RuleMeta {
    code: "FPM001",
    name: "hash-comment",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "a line starting with `#`: php-fpm does not know `#` comments and refuses to start",
    aliases: &[],
    doc: r#"php-fpm parses its files with PHP's INI scanner, where only `;` starts a
comment. `# text` becomes a key without a value (`value is NULL for a
ZEND_INI_PARSER_ENTRY`) and `#listen.mode = 0666` an unknown key
(`unknown entry '#listen.mode'`). php-fpm prints the error as "on line 1 in
Unknown", without the file, and does not start: every PHP page answers 502
("connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or
directory)").

**Symptom**: php-fpm does not start; every PHP page answers 502 Bad Gateway (`connect() ... failed (2: No such file or directory)` or `(111: Connection refused)` in nginx's error log).

Bad:
```ini
# nginx connects as www-data
listen.owner = www-data
```
Good:
```ini
; nginx connects as www-data
listen.owner = www-data
```

Autofix: safe — the `#` becomes `;`: the line is commented out as its author meant."#,
    fix: "Use `;` for comments in php-fpm files.",
};

/// FPM002: a line PHP's INI scanner rejects (unquoted `= ! ( )`, key without value, unterminated quote)
pub static SYNTAX: RuleMeta = RuleMeta {
    code: "FPM002",
    name: "ini-syntax-error",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "a line PHP's INI scanner rejects (unquoted `= ! ( )`, key without value, unterminated quote)",
    aliases: &[],
    doc: r#"php-fpm reads each line as its own INI document. Unquoted values cannot
contain `=`, `!`, `(` or `)`, a key needs `= value`, and quotes must close on
the same line. php-fpm fails with `syntax error, unexpected '!' in Unknown on
line 1` and does not start (502 for every PHP page).

**Symptom**: php-fpm does not start; every PHP page answers 502 Bad Gateway (`connect() ... failed (2: No such file or directory)` or `(111: Connection refused)` in nginx's error log).

Bad:
```ini
ping.response = pong!
```
Good:
```ini
ping.response = "pong!"
```

A section header indented with spaces only (`  [www]`) is no header to PHP's
scanner: `syntax error, unexpected END_OF_LINE, expecting '='` (a tab among the
blanks is accepted).

php.ini is different: PHP reads it as one document, so a double quote left open
runs on to the next `"`, lines included. PHP starts, but the settings in between
are part of the value and never read: that is a warning, and an error only when no
quote closes it.

In a repository, a value that is a whole `!NAME!` placeholder (`memory_limit =
!PHP_MEMORY_LIMIT!`, which an image's entrypoint fills in with `sed` before PHP
starts, as AndriynomeD/docker-magento2's does) is a note naming the placeholder:
the file as committed is not the file PHP reads. On a server it stays an error.

Autofix: safe — the spaces before an indented section header are removed."#,
    fix: "Quote values that contain special characters; keep every entry on one line; start a section header at the beginning of its line.",
};

/// FPM003: a key php-fpm does not know, or a pool key in `[global]`
pub static UNKNOWN: RuleMeta = RuleMeta {
    code: "FPM003",
    name: "unknown-fpm-directive",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "a key php-fpm does not know, or a pool key in [global]",
    aliases: &[],
    doc: r#"php-fpm rejects unknown keys: `[/etc/php/8.2/fpm/pool.d/www.conf:12] unknown
entry 'pm.max_childs'`, and pool keys placed in `[global]` the same way.
Array names (`php_value`, `env`, ...) are case-sensitive.

**Symptom**: php-fpm does not start; every PHP page answers 502 Bad Gateway (`connect() ... failed (2: No such file or directory)` or `(111: Connection refused)` in nginx's error log); php-fpm logs `unknown entry`.

Bad:
```ini
pm.max_childs = 10
```
Good:
```ini
pm.max_children = 10
```

Autofix: safe — a misspelt key with exactly one known key within two edits is
replaced by it; no fix when several are as close."#,
    fix: "Fix the spelling, or move the key under its pool's [section].",
};

/// FPM004: a value php-fpm cannot parse for its type (integer, time, boolean, pm, log level)
pub static INVALID_VALUE: RuleMeta = RuleMeta {
    code: "FPM004",
    name: "invalid-fpm-value",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "a value php-fpm cannot parse for its type (integer, time, boolean, pm, log level)",
    aliases: &[],
    doc: r#"Each key has a type: integers are digits only (`5x` fails), times take
lowercase `s m h d` (`5S` fails with `unknown suffix used in time value`; and
`10ms` is read as 10 seconds), booleans are `yes/no/on/off`, `pm` is
`static`, `dynamic` or `ondemand`. php-fpm fails with `unable to parse value
for entry 'pm.max_children': is not a valid number`.

**Symptom**: php-fpm does not start; every PHP page answers 502 Bad Gateway (`connect() ... failed (2: No such file or directory)` or `(111: Connection refused)` in nginx's error log).

Bad:
```ini
request_terminate_timeout = 30S
```
Good:
```ini
request_terminate_timeout = 30s
```"#,
    fix: "Write the value in the key's type.",
};

/// FPM005: an `include=` that php-fpm cannot resolve, or files nested more than 5 deep
pub static INCLUDE: RuleMeta = RuleMeta {
    code: "FPM005",
    name: "fpm-include-error",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "an `include=` that php-fpm cannot resolve, or files nested more than 5 deep",
    aliases: &[],
    doc: r#"`include` patterns are resolved against the prefix (`/usr` on Debian, not
the including file's directory). A wildcard in a missing directory fails with
`Unable to globalize '/usr/pool.d/*.conf' (ret=2)`; a pattern that matches
nothing, a file name without a wildcard in a missing directory included
(`/usr/pool.d/www.conf`), only warns (`Nothing matches the include pattern`), and
php-fpm starts without those pools (then nginx gets "No such file or directory"
for their sockets).

The official php image's `php-fpm.conf` ends with `include=etc/php-fpm.d/*.conf`,
right under its prefix `/usr/local`. Copied to a distribution's php-fpm (Amazon Linux,
RHEL: prefix `/usr`) as `/etc/php-fpm.conf`, the same line reads
`/usr/etc/php-fpm.d/*.conf` (php-fpm 8.2 `-t`: `Unable to globalize
'/usr/etc/php-fpm.d/*.conf' (ret=2)`), and the pools copied to `/etc/php-fpm.d/` are
never read. In a repository whose image's own files are not known, this is reported
when the pattern from `/` matches files the deployment places and no usual prefix
(`/usr`, `/usr/local`) is known to hold the folder.

**Symptom**: php-fpm does not start; every PHP page answers 502 Bad Gateway (`connect() ... failed (2: No such file or directory)` or `(111: Connection refused)` in nginx's error log).

Bad:
```ini
include = pool.d/*.conf
```
Good:
```ini
include = /etc/php/8.2/fpm/pool.d/*.conf
```"#,
    fix: "Use an absolute include path.",
};

/// FPM006: no pool at all, or a pool without `listen`, `pm` or a positive `pm.max_children`
pub static MISSING: RuleMeta = RuleMeta {
    code: "FPM006",
    name: "missing-required-setting",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "no pool at all, or a pool without `listen`, `pm` or a positive `pm.max_children`",
    aliases: &[],
    doc: r#"php-fpm needs at least one pool, and every pool needs `listen`, `pm` and
`pm.max_children`: `[pool www] no listen address have been defined!`,
`the process manager is missing (static, dynamic or ondemand)`,
`pm.max_children must be a positive value`.

**Symptom**: php-fpm does not start; every PHP page answers 502 Bad Gateway (`connect() ... failed (2: No such file or directory)` or `(111: Connection refused)` in nginx's error log).

Bad:
```ini
[www]
user = www-data
pm = dynamic
```
Good:
```ini
[www]
user = www-data
listen = /run/php/php8.2-fpm.sock
pm = dynamic
pm.max_children = 5
```

A pool file linted on its own whose pool sets neither `pm` nor `pm.max_children` is a
drop-in over a pool that other files define (the official php image's
`zz-docker.conf` only moves `listen`): a note says it was not judged alone."#,
    fix: "Add the missing setting.",
};

/// FPM007: dynamic pm numbers that contradict each other (start servers outside the spare range, spares above max_children)
pub static PM_ARITHMETIC: RuleMeta = RuleMeta {
    code: "FPM007",
    name: "pm-arithmetic",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "dynamic pm numbers that contradict each other (start servers outside the spare range, spares above max_children)",
    aliases: &[],
    doc: r#"For `pm = dynamic` php-fpm checks: spares positive, spares not above
`pm.max_children`, `pm.max_spare_servers` not below `pm.min_spare_servers`,
and `pm.start_servers` between them:
`pm.start_servers(8) must not be less than pm.min_spare_servers(2) and not
greater than pm.max_spare_servers(4)`. The pool, and with it php-fpm, does not
start.

**Symptom**: php-fpm does not start; every PHP page answers 502 Bad Gateway (`connect() ... failed (2: No such file or directory)` or `(111: Connection refused)` in nginx's error log); php-fpm logs the contradiction it found.

Bad:
```ini
pm.max_children = 10
pm.start_servers = 8
pm.min_spare_servers = 2
pm.max_spare_servers = 4
```
Good:
```ini
pm.max_children = 10
pm.start_servers = 3
pm.min_spare_servers = 2
pm.max_spare_servers = 4
```

Autofix: unsafe — the numbers are made consistent in the direction that keeps
capacity: `pm.max_children` is raised to the spare count, `pm.max_spare_servers` to
`pm.min_spare_servers`, `pm.start_servers` is set to the middle of the spare range.
Unsafe: more workers use more memory."#,
    fix: "Keep min_spare ≤ start ≤ max_spare ≤ max_children.",
};

/// FPM008: two pools with the same listen address
pub static LISTEN_REUSED: RuleMeta = RuleMeta {
    code: "FPM008",
    name: "listen-address-reused",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "two pools with the same listen address",
    aliases: &[],
    doc: r#"php-fpm refuses a second pool on an address already used:
`[pool b] unable to set listen address as it's already used in another pool
'a'`. A typical cause is copying www.conf to a new pool and forgetting to
change `listen`. php-fpm compares the texts: `listen = 9000` in one pool and
`listen = 127.0.0.1:9000` in another pass `php-fpm -t`, and the second bind fails at
start (`unable to bind listening socket for address '127.0.0.1:9000': Address already
in use (98)`, then `FPM initialization failed`).

**Symptom**: php-fpm does not start (`unable to set listen address as it's already used in another pool`, or `Address already in use`); every PHP page answers 502.

Bad:
```ini
[shop]
listen = /run/php/php8.2-fpm.sock
[blog]
listen = /run/php/php8.2-fpm.sock
```
Good:
```ini
[shop]
listen = /run/php/php8.2-fpm-shop.sock
[blog]
listen = /run/php/php8.2-fpm-blog.sock
```"#,
    fix: "Give every pool its own socket or port.",
};

/// FPM009: chroot/chdir not absolute, ping/status paths not starting with `/` or with forbidden characters
pub static INVALID_PATH: RuleMeta = RuleMeta {
    code: "FPM009",
    name: "invalid-pool-path",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "chroot/chdir not absolute, ping/status paths not starting with `/` or with forbidden characters",
    aliases: &[],
    doc: r#"php-fpm checks `the status path 'status' must start with a '/'` (also for
`ping.path`; only `[alphanum]/_-.~` allowed, and not `/` alone). A relative
`chroot` or `chdir` is joined to the prefix first (the pool's `prefix`, else
php-fpm's `-p`, `/usr` on Debian): `chroot = jail` becomes `/usr/jail`, and
php-fpm stops with `the chroot path '/usr/jail' does not exist or is not a
directory` (checked with php-fpm 8.2 `-t`) unless that directory exists. A
`chroot` may start with `$prefix` to say so explicitly.

**Symptom**: php-fpm does not start; every PHP page answers 502 Bad Gateway (`connect() ... failed (2: No such file or directory)` or `(111: Connection refused)` in nginx's error log).

Bad:
```ini
pm.status_path = status
```
Good:
```ini
pm.status_path = /status
```"#,
    fix: "Use absolute paths and URIs starting with `/`.",
};

/// FPM010: request_slowlog_timeout or request_slowlog_trace_depth without slowlog, or the timeout above request_terminate_timeout
pub static SLOWLOG: RuleMeta = RuleMeta {
    code: "FPM010",
    name: "slowlog-settings",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "request_slowlog_timeout or request_slowlog_trace_depth without slowlog, or the timeout above request_terminate_timeout",
    aliases: &[],
    doc: r#"`'slowlog' must be specified for use with 'request_slowlog_timeout'` and
`'request_slowlog_timeout' (60) can't be greater than 'request_terminate_timeout' (30)`
both stop php-fpm at start, and so do
`'slowlog' must be specified for use with 'request_slowlog_trace_depth'` (the depth set
to anything but 0 without a `slowlog`: the commented example of Debian's `www.conf`,
enabled on its own) and `'request_slowlog_trace_depth' (-5) must be a positive value`.

**Symptom**: php-fpm does not start; every PHP page answers 502 Bad Gateway (`connect() ... failed (2: No such file or directory)` or `(111: Connection refused)` in nginx's error log).

Bad:
```ini
request_slowlog_timeout = 5s
```
Good:
```ini
request_slowlog_timeout = 5s
slowlog = /var/log/php8.2-fpm.$pool.slow.log
```"#,
    fix: "Set `slowlog`, and keep the slowlog timeout below the terminate timeout.",
};

/// FPM011: a `${VAR}` whose value the linter does not know
pub static UNKNOWN_VAR: RuleMeta = RuleMeta {
    code: "FPM011",
    name: "unknown-environment-variable",
    family: Family::FpmLoad,
    severity: Severity::Note,
    summary: "a `${VAR}` whose value the linter does not know",
    aliases: &[],
    doc: r#"php-fpm replaces `${VAR}` with a php.ini setting of that name or an
environment variable, and with nothing when neither exists. The linter cannot
see the service's environment. On a host (files linted directly, `--root`),
checks that depend on the value are made with an empty value, as php-fpm
started without it would. In a repository's deployment (a container whose
entrypoint may export the value) the value stays unknown and no check judges
it. Give the value with `--env VAR=VALUE`, or as `ENV`/`environment:` in the
Dockerfile or Compose file.

**Symptom**: the pool gets an empty or unexpected value at start; what that breaks depends on the key (a listen address, a user, a limit).

Bad (when FPM_PORT is not set for the service):
```ini
listen = 127.0.0.1:${FPM_PORT}
```
Good:
```ini
listen = 127.0.0.1:9000
```"#,
    fix: "Pass `--env VAR=VALUE` (or set it in .nginx-fpm-lint.toml) to check with the real value.",
};

/// FPM020: a `listen` that passes `php-fpm -t` but fails at start (port out of range, garbage) or is silently a file
pub static INVALID_LISTEN: RuleMeta = RuleMeta {
    code: "FPM020",
    name: "invalid-listen",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "a `listen` that passes `php-fpm -t` but fails at start (port out of range, garbage) or is silently a file",
    aliases: &[],
    doc: r#"`php-fpm -t` does not check the address: `listen = 127.0.0.1:70000` fails only
at start (`invalid port value '70000'`), and `listen = 127.0.0.1` (no port)
is not TCP at all: php-fpm creates the unix socket file `/usr/127.0.0.1`, and
nginx's `fastcgi_pass 127.0.0.1:9000` gets "Connection refused" (502).

**Symptom**: `php-fpm -t` passes, then php-fpm fails at start or listens on a file nobody connects to; nginx answers 502 (`Connection refused`).

Bad:
```ini
listen = 127.0.0.1
```
Good:
```ini
listen = 127.0.0.1:9000
```"#,
    fix: "Write `HOST:PORT`, a port alone, or an absolute socket path.",
};

/// FPM021: a `listen.mode` that is not an octal number (the socket gets the mode of its leading octal digits, often 0000)
pub static INVALID_MODE: RuleMeta = RuleMeta {
    code: "FPM021",
    name: "invalid-listen-mode",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "a `listen.mode` that is not an octal number (the socket gets the mode of its leading octal digits, often 0000)",
    aliases: &[],
    doc: r#"php-fpm converts `listen.mode` with strtoul and never validates it: the octal
digits it reads first are the mode. `rw` or `0o660` become mode 0 (`s---------`), and
a typo such as `0668` becomes `066` (`s---rw-rw-`, live with php-fpm 8.2: the owner
itself may not write), so nginx, as the owner or not, logs "connect() to unix:...
failed (13: Permission denied)" (502).

**Symptom**: nginx answers 502: `connect() to unix:... failed (13: Permission denied)`, the socket having mode 0000.

Bad:
```ini
listen.mode = rw-rw----
```
Good:
```ini
listen.mode = 0660
```"#,
    fix: "Write the mode in octal, e.g. 0660.",
};

/// FPM022: a `listen.allowed_clients` entry php-fpm cannot read (CIDR, spaces, empty): connections from it are dropped
pub static ALLOWED_CLIENTS: RuleMeta = RuleMeta {
    code: "FPM022",
    name: "allowed-clients-drops-all",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "a `listen.allowed_clients` entry php-fpm cannot read (CIDR, spaces, empty): connections from it are dropped",
    aliases: &[],
    doc: r#"Entries must be exact IP addresses separated by commas without spaces. A
CIDR (`127.0.0.0/8`), a space after a comma, or an empty value make every
worker log `There are no allowed addresses` or `Wrong IP address` and close
each connection: nginx sees "recv() failed (104: Connection reset by peer)"
and answers 502.

**Symptom**: nginx answers 502 for every request from the dropped address; php-fpm logs `Connection disallowed: IP address ... has been dropped.`.

Bad:
```ini
listen.allowed_clients = 127.0.0.1, 10.0.0.5
```
Good:
```ini
listen.allowed_clients = 127.0.0.1,10.0.0.5
```"#,
    fix: "List exact addresses separated by `,` without spaces, or remove the key.",
};

/// FPM023: `user = root` or `group = root`: php-fpm refuses to start such a pool
pub static ROOT_USER: RuleMeta = RuleMeta {
    code: "FPM023",
    name: "pool-runs-as-root",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "`user = root` or `group = root`: php-fpm refuses to start such a pool",
    aliases: &[],
    doc: r#"`php-fpm -t` accepts it, but at start php-fpm says `[pool www] please
specify user and group other than root` and exits (unless run with -R, which
is never what you want for PHP code).

**Symptom**: php-fpm does not start (`please specify user and group other than root`); every PHP page answers 502.

Bad:
```ini
user = root
```
Good:
```ini
user = www-data
```"#,
    fix: "Run the pool as an unprivileged user.",
};

/// FPM024: a unix socket path over 107 bytes: php-fpm silently truncates it
pub static SOCKET_TOO_LONG: RuleMeta = RuleMeta {
    code: "FPM024",
    name: "unix-socket-path-too-long",
    family: Family::FpmLoad,
    severity: Severity::Error,
    summary: "a unix socket path over 107 bytes: php-fpm silently truncates it",
    aliases: &[],
    doc: r#"`sun_path` holds 108 bytes. php-fpm truncates longer paths without a word
and creates a socket under a shorter name; nginx connects to the full path
and logs "connect() to unix:... failed (2: No such file or directory)" (502).

**Symptom**: nginx answers 502: `connect() to unix:... failed (2: No such file or directory)` while php-fpm runs happily on a shorter path.

Bad:
```ini
listen = /var/lib/containers/storage/overlay/3f1c.../merged/run/php/php8.2-fpm-application.sock
```
Good:
```ini
listen = /run/php/app.sock
```"#,
    fix: "Use a socket path of at most 107 bytes.",
};

/// Every code of this crate.
pub static RULES: &[&RuleMeta] = &[
    &HASH_COMMENT,
    &SYNTAX,
    &UNKNOWN,
    &INVALID_VALUE,
    &INCLUDE,
    &MISSING,
    &PM_ARITHMETIC,
    &LISTEN_REUSED,
    &INVALID_PATH,
    &SLOWLOG,
    &UNKNOWN_VAR,
    &INVALID_LISTEN,
    &INVALID_MODE,
    &ALLOWED_CLIENTS,
    &ROOT_USER,
    &SOCKET_TOO_LONG,
];
