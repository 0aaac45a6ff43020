//! What `php-fpm -t` rejects, and what it lets through but fails at start.

use foldhash::{HashMap, HashMapExt};
use std::path::Path;
use std::sync::OnceLock;

use lint_source::distance::CharBag;
use lint_source::{Diagnostic, Edit, Fix, Severity};

use crate::codes::*;
use crate::model::{
    parse_fpm_bool, parse_fpm_int, parse_fpm_time, FpmConfig, Listen, ListenHost, Pool,
};

const TABLE: &str = include_str!("../data/php-fpm-directives.tsv");

/// The directive table: name (lower case) → (section, type).
struct Directives {
    scalars: HashMap<String, (&'static str, &'static str)>,
    arrays: Vec<&'static str>,
    /// Keys of other systems' builds (`listen.setfib`: FreeBSD): php-fpm on Linux, which
    /// the load checks model, fails with "unknown entry" on them.
    not_linux: Vec<&'static str>,
}

fn directives() -> &'static Directives {
    static D: OnceLock<Directives> = OnceLock::new();
    D.get_or_init(|| {
        let mut scalars = HashMap::new();
        let mut arrays = Vec::new();
        let mut not_linux = Vec::new();
        for line in TABLE.lines().skip(1) {
            let cols: Vec<&'static str> = line.split('\t').collect();
            if cols.len() < 3 {
                continue;
            }
            if cols
                .get(4)
                .is_some_and(|c| c.contains("'unknown entry' on Linux"))
            {
                not_linux.push(cols[0]);
                continue;
            }
            if let Some((name, _)) = cols[0].split_once('[') {
                arrays.push(name);
            } else if cols[0] == "process.priority"
                || cols[0] == "rlimit_files"
                || cols[0] == "rlimit_core"
            {
                scalars.insert(cols[0].to_string(), ("global|pool", cols[2]));
            } else {
                scalars.insert(cols[0].to_ascii_lowercase(), (cols[1], cols[2]));
            }
        }
        Directives {
            scalars,
            arrays,
            not_linux,
        }
    })
}

/// The section a php-fpm directive belongs in (`pool`, `global` or `global|pool`), for a
/// key as written (`request_terminate_timeout`, `php_admin_value`); `None` for keys php-fpm
/// does not know.
pub fn fpm_directive_section(key: &str) -> Option<&'static str> {
    let d = directives();
    let lower = key.to_ascii_lowercase();
    if let Some((section, _)) = d.scalars.get(&lower) {
        return Some(section);
    }
    d.arrays.iter().any(|a| *a == lower).then_some("pool")
}

/// One row of php-fpm's directive table (for editors: hover and completion).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FpmDirective {
    /// Name as documented (`pm.max_children`, `env[NAME]`).
    pub name: &'static str,
    /// `global`, `pool` or `global|pool`.
    pub section: &'static str,
    /// Value type (`integer`, `time`, `enum`, `boolean`, `string (path)`).
    pub kind: &'static str,
    /// Default value, with distribution notes.
    pub default: &'static str,
    /// What php-fpm accepts and says when it does not.
    pub constraints: &'static str,
    /// PHP version that introduced it (empty: always there).
    pub since: &'static str,
}

/// Every documented php-fpm directive, in the table's order.
pub fn fpm_directives() -> impl Iterator<Item = FpmDirective> {
    TABLE.lines().skip(1).filter_map(|line| {
        let cols: Vec<&'static str> = line.split('\t').collect();
        (cols.len() >= 5).then(|| FpmDirective {
            name: cols[0],
            section: cols[1],
            kind: cols[2],
            default: cols[3],
            constraints: cols[4],
            since: cols.get(5).copied().unwrap_or(""),
        })
    })
}

/// The table row of a key as written (`PM`, `php_admin_value[memory_limit]`).
pub fn fpm_directive(key: &str) -> Option<FpmDirective> {
    // By (name before `[`, whether it has one), built once: repository mode asks for
    // every key of every file it classifies (a scan of the table each time was a sixth
    // of a 1 000-site repository's lint).
    static BY_NAME: OnceLock<HashMap<(String, bool), FpmDirective>> = OnceLock::new();
    let index = BY_NAME.get_or_init(|| {
        let mut index = HashMap::new();
        for d in fpm_directives() {
            let base = d.name.split('[').next().unwrap_or(d.name);
            index
                .entry((base.to_ascii_lowercase(), d.name.contains('[')))
                .or_insert(d);
        }
        index
    });
    let lower = key.to_ascii_lowercase();
    let bracket = lower.contains('[');
    let base = lower.split('[').next().unwrap_or(&lower);
    index.get(&(base.to_string(), bracket)).copied()
}

/// Runs every check over a loaded configuration.
pub fn check(config: &FpmConfig) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let table = directives();
    for entry in &config.global {
        if entry.array_key.is_some() {
            out.push(Diagnostic::new(
                &UNKNOWN,
                entry.key_span,
                "Array are not allowed in the global section",
            ));
            continue;
        }
        match table.scalars.get(&entry.key.to_ascii_lowercase()) {
            Some((section, kind)) if section.contains("global") => {
                check_type(entry, kind, &mut out)
            }
            Some(_) => out.push(
                Diagnostic::new(
                    &UNKNOWN,
                    entry.key_span,
                    format!("unknown entry '{}'", entry.key),
                )
                .with_label("a pool setting in [global]")
                .with_help("move it under a pool's [section]"),
            ),
            None => out.push(unknown(&entry.key, entry.key_span)),
        }
        if entry.value.contains("$pool") {
            out.push(Diagnostic::new(&INVALID_VALUE, entry.value_span, format!("unable to parse value for entry '{}': Can't use '$pool' when the pool is not defined", entry.key)));
        }
    }
    check_global_limits(config, &mut out);
    if config.pools.is_empty()
        && !config.incomplete
        && config.main_file.is_some()
        && !config
            .diagnostics
            .iter()
            .any(|d| d.code == INCLUDE.code && d.severity == Severity::Error)
    {
        if let Some(id) = config.main_file {
            out.push(
                Diagnostic::new(&MISSING, lint_source::Span::point(id, 0), "No pool defined. at least one pool section must be specified in config file")
                    .with_help("add a pool ([www] with listen, pm, pm.max_children) or an include= of pool.d/*.conf"),
            );
        }
    }
    let mut by_address: HashMap<String, &Pool> = HashMap::new();
    // TCP listens by port: a pool on every interface and one on an IPv4 address of the
    // same port pass `php-fpm -t` (it compares the texts), but the second bind fails.
    let mut by_port: HashMap<u32, Vec<(ListenHost, &Pool, &crate::model::Entry)>> = HashMap::new();
    // A pool file linted on its own (`--fpm zz-docker.conf`) whose pool sets neither `pm`
    // nor `pm.max_children` is a drop-in over a pool that files read before it define
    // (the official image's zz-docker.conf only moves `listen`): what it lacks is theirs.
    for pool in &config.pools {
        let drop_in = config.is_drop_in(pool);
        if drop_in && !config.incomplete {
            out.push(
                Diagnostic::new(
                    &MISSING,
                    pool.name_span,
                    format!("[pool {}] sets neither pm nor pm.max_children: a drop-in over a pool that other files define; its required settings are not checked on its own", pool.name),
                )
                .with_severity(lint_source::Severity::Note)
                .with_help("lint it with the php-fpm.conf that includes it (--fpm php-fpm.conf), or the repository"),
            );
        }
        check_pool(
            pool,
            table,
            config.incomplete || drop_in,
            config.root_allowed,
            &mut out,
        );
        if let Some((listen, entry)) = pool.listen() {
            let key = match &listen {
                Listen::Unix(p) => p.display().to_string(),
                Listen::Tcp {
                    port_text, host, ..
                } => format!("{host:?}:{port_text}"),
            };
            if let Some(first) = by_address.get(&key) {
                out.push(
                    Diagnostic::new(&LISTEN_REUSED, entry.value_span, format!("[pool {}] unable to set listen address as it's already used in another pool '{}'", pool.name, first.name))
                        .with_related(first.listen().map(|(_, e)| e.value_span).unwrap_or(first.name_span), "first used here"),
                );
                continue;
            }
            by_address.insert(key, pool);
            if let Listen::Tcp {
                host,
                port: Some(port),
                ..
            } = &listen
            {
                let earlier = by_port.entry(*port).or_default();
                let clash = earlier.iter().find(|(h, _, _)| {
                    matches!(
                        (h, host),
                        (ListenHost::Any, ListenHost::V4(_)) | (ListenHost::V4(_), ListenHost::Any)
                    )
                });
                if let Some((_, first, first_entry)) = clash {
                    out.push(
                        Diagnostic::new(&LISTEN_REUSED, entry.value_span, format!("[pool {}] unable to bind listening socket for address '{}': Address already in use (98)", pool.name, entry.value.trim()))
                            .with_related(first_entry.value_span, format!("pool '{}' binds port {port} on every interface or this address", first.name))
                            .with_note("php-fpm -t accepts it (it compares the listen texts); php-fpm fails at start: \"FPM initialization failed\""),
                    );
                }
                earlier.push((host.clone(), pool, entry));
            }
        }
    }
    out
}

/// `access.suppress_path[] = /path`: php-fpm refuses a key in the brackets and a value
/// that is not an absolute path (fpm_conf.c, fpm_conf_ini_parser_array).
fn check_suppress_path(entry: &crate::model::Entry, key: &str, out: &mut Vec<Diagnostic>) {
    if !key.is_empty() {
        out.push(
            Diagnostic::new(
                &INVALID_VALUE,
                entry.key_span,
                "Keys provided to field 'access.suppress_path' are ignored",
            )
            .with_help("write `access.suppress_path[] = /path`"),
        );
    }
    if !entry.value.starts_with('/') && !is_placeholder(&entry.value) {
        out.push(
            Diagnostic::new(
                &INVALID_VALUE,
                entry.value_span,
                "Values provided to field 'access.suppress_path' must begin with '/'",
            )
            .with_help("the request URI to leave out of the access log, such as `/ping`"),
        );
    }
}

/// An integer setting as php-fpm stores it: glibc's `atoi` (a `long`, clamped) cast to a C
/// `int`, so `99999999999` wraps as it does there.
fn c_int(value: &str) -> Option<i32> {
    // Truncation is the point: it is what the cast in C does.
    #[allow(clippy::cast_possible_truncation)]
    crate::model::parse_fpm_int(value).map(|n| n as i32)
}

/// `process.priority` is checked against [-19, 20] unless unset (php-fpm's 64), as root or
/// not (fpm_conf.c); a value that is not a number is FPM004's type error already.
fn priority_out_of_range(value: &str) -> bool {
    c_int(value).is_some_and(|n| n != 64 && !(-19..=20).contains(&n))
}

/// The checks of `[global]` values that php-fpm makes after reading every file
/// (fpm_conf_post_process): the last value of each key counts.
fn check_global_limits(config: &FpmConfig, out: &mut Vec<Diagnostic>) {
    let int = |key: &str| {
        let entry = config.global(key)?;
        if is_placeholder(&entry.value) {
            return None;
        }
        Some((entry, c_int(&entry.value)?))
    };
    if let Some((entry, n)) = int("log_limit") {
        if n < 512 {
            out.push(
                Diagnostic::new(
                    &INVALID_VALUE,
                    entry.value_span,
                    "log_limit must be greater than 512",
                )
                .with_help("the longest log line in bytes: 512 or more (1024 by default)"),
            );
        }
    }
    if let Some((entry, n)) = int("process.max") {
        if n < 0 {
            out.push(
                Diagnostic::new(
                    &INVALID_VALUE,
                    entry.value_span,
                    "process_max can't be negative",
                )
                .with_help("0 means no limit"),
            );
        }
    }
    // fpm_event_pre_init compares the name with the mechanisms php-fpm has
    // (case-insensitively); one it has no module for fails everywhere. kqueue, /dev/poll
    // and port fail on Linux too, but are left alone: they are another system's.
    if let Some(entry) = config.global("events.mechanism") {
        let known = ["epoll", "kqueue", "poll", "select", "/dev/poll", "port"];
        if !is_placeholder(&entry.value)
            && !known.iter().any(|k| k.eq_ignore_ascii_case(&entry.value))
        {
            out.push(
                Diagnostic::new(
                    &INVALID_VALUE,
                    entry.value_span,
                    format!(
                        "event mechanism '{}' is not available on this system",
                        entry.value
                    ),
                )
                .with_help("epoll on Linux (the default: leave events.mechanism unset)"),
            );
        }
    }
    // An empty error_log is its prefix directory itself: fpm_stdio_open_error_log fails
    // on it. That prefix is `-p`, else PHP_LOCALSTATEDIR (`/var` for a distribution's
    // /usr build, php-fpm 8.2 -t: `failed to open error_log (/var/)`), not PHP_PREFIX
    // (the model keeps one prefix: `-p /usr` given on purpose reads as the default).
    if let Some(entry) = config.global("error_log").filter(|e| e.value.is_empty()) {
        let dir = if config.prefix == Path::new("/usr") {
            Path::new("/var").to_path_buf()
        } else if config.prefix == Path::new("/usr/local") {
            Path::new("/usr/local/var").to_path_buf()
        } else {
            config.prefix.clone()
        };
        out.push(
            Diagnostic::new(
                &INVALID_VALUE,
                entry.value_span,
                format!(
                    "failed to open error_log ({}/): Is a directory (21)",
                    dir.display()
                ),
            )
            .with_help("name a file (`/var/log/php8.2-fpm.log`), `syslog`, or remove the line for the default"),
        );
    }
    if let Some(entry) = config.global("process.priority") {
        if priority_out_of_range(&entry.value) {
            out.push(
                Diagnostic::new(
                    &INVALID_VALUE,
                    entry.value_span,
                    "process.priority must be included into [-19,20]",
                )
                .with_help("a nice value: -19 (first) to 20 (last)"),
            );
        }
    }
}

fn unknown(key: &str, span: lint_source::Span) -> Diagnostic {
    let mut d = Diagnostic::new(&UNKNOWN, span, format!("unknown entry '{key}'"));
    let lower = key.to_ascii_lowercase();
    if directives().not_linux.contains(&lower.as_str()) {
        return d.with_help("a FreeBSD-only setting: php-fpm on Linux does not know it; remove it");
    }
    // Bounded (banded, stopped at the first row past 2): a long key (fuzzing: one 300 KB
    // key took 6 s) must not cost its length times every name's.
    // The bag of chars first: a cheap bound that rules out almost every name before the
    // table (a file included many times repeats its misspelt keys once per copy).
    static KEYS: OnceLock<Vec<(&'static str, CharBag)>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        directives()
            .scalars
            .keys()
            .map(|k| (k.as_str(), CharBag::new(k)))
            .collect()
    });
    let bag = CharBag::new(&lower);
    let mut close: Vec<(usize, &str)> = keys
        .iter()
        .filter(|(_, other)| bag.lower_bound(other) <= 2)
        .filter_map(|(k, _)| {
            lint_source::distance::levenshtein_within(k, &lower, 2).map(|d| (d, *k))
        })
        .collect();
    close.sort();
    if let Some((best, near)) = close.first() {
        d = d.with_help(format!("did you mean '{near}'?"));
        // The one obvious correction: no other name as close, and a plain key.
        let unique = close.get(1).is_none_or(|(next, _)| next > best);
        if unique && !key.contains(['[', ']']) {
            d = d.with_fix(Fix::safe(
                format!("write '{near}'"),
                vec![Edit::replace(span, near.to_string())],
            ));
        }
    }
    d
}

/// A value still holding a template placeholder (`$name` for an entrypoint's envsubst,
/// `<PLACEHOLDER>`, `{{ var }}`, `__TOKEN__`): filled in before php-fpm reads it, so its
/// final form is unknown here and no type check applies.
pub fn is_placeholder(v: &str) -> bool {
    let dollar = v.match_indices('$').any(|(i, _)| {
        v[i + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '{')
    });
    let angle = v.starts_with('<') && v.ends_with('>') && v.len() > 2;
    let braces = v.contains("{{") || v.contains("{%");
    let dunder = v.len() > 4 && v.starts_with("__") && v.ends_with("__");
    dollar || angle || braces || dunder
}

fn check_type(entry: &crate::model::Entry, kind: &str, out: &mut Vec<Diagnostic>) {
    let v = entry.value.as_str();
    if is_placeholder(v) {
        return;
    }
    let err = |msg: &str| {
        Diagnostic::new(
            &INVALID_VALUE,
            entry.value_span,
            format!("unable to parse value for entry '{}': {msg}", entry.key),
        )
    };
    if kind.starts_with("integer") {
        if kind.contains("unlimited") && v.eq_ignore_ascii_case("unlimited") {
            return;
        }
        match parse_fpm_int(v) {
            None => out.push(err("is not a valid number (greater or equal than zero)")),
            // fpm_conf_set_rlimit_core: the int atoi makes must not be negative
            // (`-1`, or `99999999999999999999`, which is -1).
            Some(n) if n < 0 && kind.contains("unlimited") => {
                out.push(err("must be greater than zero or 'unlimited'"));
            }
            Some(_) => {}
        }
    } else if kind.starts_with("time") {
        if let Err(msg) = parse_fpm_time(v) {
            out.push(err(msg));
        } else if let Some(number) = v.strip_suffix("ms") {
            out.push(
                Diagnostic::new(
                    &INVALID_VALUE,
                    entry.value_span,
                    format!(
                        "'{v}' is read by php-fpm as {} seconds, not milliseconds",
                        crate::model::atoi(number)
                    ),
                )
                .with_severity(Severity::Warning)
                .with_help("php-fpm times take s, m, h or d; there are no milliseconds"),
            );
        }
    } else if kind.starts_with("boolean") {
        if parse_fpm_bool(v).is_none() {
            out.push(err("invalid boolean value"));
        }
    } else if entry.key.eq_ignore_ascii_case("pm") {
        if !matches!(
            v.to_ascii_lowercase().as_str(),
            "static" | "dynamic" | "ondemand"
        ) {
            out.push(err("invalid process manager (static, dynamic or ondemand)"));
        }
    } else if entry.key.eq_ignore_ascii_case("log_level")
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "debug" | "notice" | "warning" | "warn" | "error" | "alert"
        )
    {
        out.push(Diagnostic::new(
            &INVALID_VALUE,
            entry.value_span,
            "invalid value for 'log_level'",
        ));
    }
}

fn check_pool(
    pool: &Pool,
    table: &Directives,
    incomplete: bool,
    root_allowed: bool,
    out: &mut Vec<Diagnostic>,
) {
    let p = &pool.name;
    for entry in &pool.entries {
        match &entry.array_key {
            Some(key) => {
                if !table.arrays.contains(&entry.key.as_str()) {
                    out.push(Diagnostic::new(
                        &UNKNOWN,
                        entry.key_span,
                        format!("unknown directive '{}'", entry.key),
                    ));
                } else if entry.key == "access.suppress_path" {
                    check_suppress_path(entry, key, out);
                } else if key.is_empty() {
                    out.push(Diagnostic::new(
                        &INVALID_VALUE,
                        entry.key_span,
                        format!("You must provide a key for field '{}'", entry.key),
                    ));
                } else if entry.key == "env" && entry.value.is_empty() {
                    out.push(Diagnostic::new(
                        &INVALID_VALUE,
                        entry.value_span,
                        format!("[pool {p}] empty value for env[{key}]"),
                    ));
                } else if entry.key.ends_with("_flag") && parse_fpm_bool(&entry.value).is_none() {
                    out.push(Diagnostic::new(
                        &INVALID_VALUE,
                        entry.value_span,
                        format!(
                            "error while parsing '{}[{key}]' : invalid boolean value",
                            entry.key
                        ),
                    ));
                }
            }
            None => match table.scalars.get(&entry.key.to_ascii_lowercase()) {
                Some((section, kind)) if section.contains("pool") => check_type(entry, kind, out),
                Some(_) => out.push(
                    Diagnostic::new(
                        &UNKNOWN,
                        entry.key_span,
                        format!("unknown entry '{}'", entry.key),
                    )
                    .with_label("a [global] setting inside a pool"),
                ),
                None => out.push(unknown(&entry.key, entry.key_span)),
            },
        }
    }
    if let Some(entry) = pool.get("process.priority") {
        if priority_out_of_range(&entry.value) {
            out.push(
                Diagnostic::new(
                    &INVALID_VALUE,
                    entry.value_span,
                    format!("[pool {p}] process.priority must be included into [-19,20]"),
                )
                .with_help("a nice value: -19 (first) to 20 (last)"),
            );
        }
    }
    // `php-fpm -R` lets pools run as root (the container images that run everything as
    // root start it so). Checked in a drop-in too: `user = root` written there is what
    // the pool runs as (lando's zz-lando.conf; live: "please specify user and group other
    // than root", php-fpm exits 78).
    for key in ["user", "group"].into_iter().filter(|_| !root_allowed) {
        if let Some(e) = pool.get(key) {
            if e.value == "root" || e.value == "0" {
                out.push(Diagnostic::new(
                    &ROOT_USER,
                    e.value_span,
                    format!("[pool {p}] please specify user and group other than root"),
                ));
            }
        }
    }
    let header = pool.name_span;
    if incomplete {
        // A file of this tree is not known: listen, pm and max_children may be there.
        return;
    }
    match pool.listen() {
        None => out.push(
            Diagnostic::new(
                &MISSING,
                header,
                format!("[pool {p}] no listen address have been defined!"),
            )
            .with_help("add `listen = /run/php/php8.2-fpm.sock` (or HOST:PORT)"),
        ),
        Some((listen, entry)) => check_listen(pool, &listen, entry, out),
    }
    let pm = pool.pm();
    // `pm = {{PM}}`: filled in before php-fpm reads the file, so present, and of a kind
    // not known here.
    let pm_placeholder = pool.get("pm").is_some_and(|e| is_placeholder(&e.value));
    if pm.is_none() && !pm_placeholder {
        out.push(
            Diagnostic::new(
                &MISSING,
                header,
                format!("[pool {p}] the process manager is missing (static, dynamic or ondemand)"),
            )
            .with_help("add `pm = dynamic`"),
        );
    }
    let max_children = pool.int("pm.max_children").map(|(v, _)| v).unwrap_or(0);
    // `{{PHP_MAX_CHILDREN}}`, `${MAX_CHILDREN}`...: an entrypoint fills it in before
    // php-fpm reads the file; its final value is unknown here.
    let placeholder = pool
        .get("pm.max_children")
        .is_some_and(|e| is_placeholder(&e.value));
    if placeholder {
        // Nothing to check until it is filled in.
    } else if max_children <= 0 {
        let span = pool.get("pm.max_children").map_or(header, |e| e.value_span);
        out.push(Diagnostic::new(
            &MISSING,
            span,
            format!("[pool {p}] pm.max_children must be a positive value"),
        ));
    } else if pm.as_deref() == Some("dynamic") {
        check_dynamic(pool, max_children, out);
    }
    for (key, what) in [("chroot", "chroot"), ("chdir", "chdir")] {
        if let Some(e) = pool.get(key) {
            // A pool that sets its own `prefix` (`prefix = /srv/$pool`, a site per pool)
            // writes `chdir = wordpress` relative to it on purpose: that directory is the
            // site's, not in the repository, and nothing here says it is missing.
            let own_prefix = pool.get("prefix").is_some_and(|p| !p.value.is_empty());
            // A value that starts with an environment variable (`chdir =
            // ${APPLICATION_ROOT}`, which php-fpm expands from the environment its start
            // script exports) or a placeholder a start script fills in is not known here.
            let unknown_start = ["${", "{{", "<"].iter().any(|p| e.value.starts_with(p))
                && is_placeholder(&e.value);
            let allowed = e.value.is_empty()
                || e.value.starts_with('/')
                || unknown_start
                || (key == "chroot" && e.value.starts_with("$prefix"));
            if !allowed {
                // php-fpm joins a relative path to the prefix (fpm_evaluate_full_path)
                // before its "must start with a '/'" test, so that test passes; what
                // fails is the next one, when the directory there does not exist.
                let message = match pool.path(&e.value) {
                    Some(full) => format!(
                        "[pool {p}] the {what} path '{}' is relative: php-fpm reads it as '{}' (under the prefix) and refuses to start unless that directory exists",
                        e.value,
                        full.display()
                    ),
                    None => format!(
                        "[pool {p}] the {what} path '{}' is relative: php-fpm reads it under the prefix and refuses to start unless that directory exists",
                        e.value
                    ),
                };
                let mut d = Diagnostic::new(&INVALID_PATH, e.value_span, message)
                    .with_help(format!("write the absolute path of the {what} directory"));
                if own_prefix {
                    d = d.with_severity(lint_source::Severity::Note).with_note(
                        "the pool sets its own prefix: a directory of the site there is the usual layout, and whether it exists is not known here",
                    );
                }
                out.push(d);
            }
        }
    }
    for (key, what) in [
        ("pm.status_path", "status path"),
        ("ping.path", "ping path"),
    ] {
        if let Some(e) = pool.get(key) {
            let v = &e.value;
            // `${STATUS_PATH}` kept as written (a repository's entrypoint exports it):
            // its final form is not known here.
            if v.is_empty() || is_placeholder(v) {
                continue;
            }
            let msg = if !v.starts_with('/') {
                Some("must start with a '/'")
            } else if v.len() < 2 {
                Some("is not long enough")
            } else if !v
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/_-.~".contains(&b))
            {
                Some("must contain only the following characters '[alphanum]/_-.~'")
            } else {
                None
            };
            if let Some(msg) = msg {
                out.push(Diagnostic::new(
                    &INVALID_PATH,
                    e.value_span,
                    format!("[pool {p}] the {what} '{v}' {msg}"),
                ));
            }
        }
    }
    let slow = pool
        .time("request_slowlog_timeout")
        .map(|(v, e)| (v, e.value_span));
    if let Some((slow, span)) = slow.filter(|(v, _)| *v > 0) {
        if pool.get("slowlog").is_none_or(|e| e.value.is_empty()) {
            out.push(Diagnostic::new(
                &SLOWLOG,
                span,
                format!(
                    "[pool {p}] 'slowlog' must be specified for use with 'request_slowlog_timeout'"
                ),
            ));
        }
        if let Some((term, e)) = pool
            .time("request_terminate_timeout")
            .filter(|(v, _)| *v > 0)
        {
            if slow > term {
                out.push(
                    Diagnostic::new(&SLOWLOG, span, format!("[pool {p}] 'request_slowlog_timeout' ({slow}) can't be greater than 'request_terminate_timeout' ({term})"))
                        .with_related(e.value_span, "terminate timeout set here"),
                );
            }
        }
    }
    // The depth is checked only when the pool sets it to a non-zero value (php-fpm
    // applies its default of 20 after this check): then it needs a slowlog too, and
    // must not be negative.
    if let Some((depth, e)) = pool
        .int("request_slowlog_trace_depth")
        .filter(|(v, _)| *v != 0)
    {
        let msg = if pool.get("slowlog").is_none_or(|e| e.value.is_empty()) {
            Some(format!(
                "[pool {p}] 'slowlog' must be specified for use with 'request_slowlog_trace_depth'"
            ))
        } else if depth < 0 {
            Some(format!(
                "[pool {p}] 'request_slowlog_trace_depth' ({depth}) must be a positive value"
            ))
        } else {
            None
        };
        if let Some(msg) = msg {
            out.push(Diagnostic::new(&SLOWLOG, e.value_span, msg));
        }
    }
    if let Some(e) = pool.get("listen.mode") {
        let v = e.value.trim();
        if !v.is_empty() && !v.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            // strtoul(v, NULL, 8) keeps the octal digits it reads first: `0668` is 066
            // (`s---rw-rw-`, live with php-fpm 8.2), `rw-rw----` is 0.
            let digits: String = v.chars().take_while(|c| ('0'..='7').contains(c)).collect();
            let mode = u32::from_str_radix(&digits, 8).unwrap_or(0);
            out.push(Diagnostic::new(&INVALID_MODE, e.value_span, format!("[pool {p}] listen.mode '{v}' is not an octal number: the socket gets mode {mode:04o}")));
        }
    }
    if let Some(e) = pool.get("listen.allowed_clients") {
        if let Some(reason) = allowed_clients_problem(&e.value) {
            out.push(Diagnostic::new(
                &ALLOWED_CLIENTS,
                e.value_span,
                format!("[pool {p}] listen.allowed_clients {reason}: every connection is dropped"),
            ));
        } else if let Some(bad) = e
            .value
            .split(',')
            .find(|a| a.parse::<std::net::IpAddr>().is_err())
        {
            out.push(
                Diagnostic::new(&ALLOWED_CLIENTS, e.value_span, format!("[pool {p}] listen.allowed_clients entry '{bad}' is not an exact IP address: php-fpm ignores it and drops connections from it"))
                    .with_severity(Severity::Warning)
                    .with_help("separate addresses with `,` and no spaces; CIDR ranges are not supported"),
            );
        }
    }
}

/// Why an allowed_clients value rejects everything, if it does.
pub fn allowed_clients_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("is empty (php-fpm then allows no address at all)".into());
    }
    let bad: Vec<&str> = value
        .split(',')
        .filter(|a| a.parse::<std::net::IpAddr>().is_err())
        .collect();
    let good = value.split(',').count() - bad.len();
    (good == 0).then(|| format!("has no valid address ('{}' is not an exact IP; CIDR ranges and spaces are not accepted)", bad.first().unwrap_or(&value)))
}

fn check_listen(
    pool: &Pool,
    listen: &Listen,
    entry: &crate::model::Entry,
    out: &mut Vec<Diagnostic>,
) {
    let p = &pool.name;
    match listen {
        Listen::Tcp {
            port, port_text, ..
        } => {
            // nginx's `unix:` prefix written in a pool: php-fpm reads `unix` as a host and
            // the path as the port. The socket path itself is right, without the prefix.
            let raw = entry.value.trim();
            if let Some(path) = raw.strip_prefix("unix:").filter(|p| p.starts_with('/')) {
                out.push(
                    Diagnostic::new(&INVALID_LISTEN, entry.value_span, format!("[pool {p}] listen '{raw}' is nginx's syntax: php-fpm reads `unix` as a host and '{path}' as its port (\"invalid port value\"), and the pool fails at start"))
                        .with_help(format!("php-fpm takes the bare socket path: `listen = {path}` (nginx keeps `fastcgi_pass unix:{path};`)")),
                );
            } else if !port.is_some_and(|n| (1..=65535).contains(&n)) {
                out.push(
                    Diagnostic::new(&INVALID_LISTEN, entry.value_span, format!("[pool {p}] invalid port value '{port_text}'"))
                        .with_help("php-fpm -t accepts it, but the pool fails at start; use a port from 1 to 65535"),
                );
            }
        }
        Listen::Unix(path) => {
            let raw = entry.value.trim();
            if raw.parse::<std::net::IpAddr>().is_ok() || raw == "localhost" {
                out.push(
                    Diagnostic::new(&INVALID_LISTEN, entry.value_span, format!("[pool {p}] listen '{raw}' has no port: php-fpm creates the unix socket file '{}' instead", path.display()))
                        .with_help(format!("write `listen = {raw}:9000`")),
                );
            }
            let len = path.as_os_str().len();
            if len > 107 {
                out.push(
                    Diagnostic::new(&SOCKET_TOO_LONG, entry.value_span, format!("[pool {p}] unix socket path is {len} bytes; php-fpm silently truncates it to 107"))
                        .with_help("use a shorter path such as /run/php/<pool>.sock"),
                );
            }
        }
    }
}

fn check_dynamic(pool: &Pool, max: i64, out: &mut Vec<Diagnostic>) {
    let p = &pool.name;
    let get = |k: &str| pool.int(k).map(|(v, e)| (v, e.value_span));
    let header = pool.name_span;
    let (min, min_span) = get("pm.min_spare_servers").unwrap_or((0, header));
    let (maxs, max_span) = get("pm.max_spare_servers").unwrap_or((0, header));
    if min <= 0 {
        out.push(Diagnostic::new(
            &PM_ARITHMETIC,
            min_span,
            format!("[pool {p}] pm.min_spare_servers({min}) must be a positive value"),
        ));
        return;
    }
    if maxs <= 0 {
        out.push(Diagnostic::new(
            &PM_ARITHMETIC,
            max_span,
            format!("[pool {p}] pm.max_spare_servers({maxs}) must be a positive value"),
        ));
        return;
    }
    let set = |key: &str, value: i64| {
        pool.get(key)
            .map(|e| Edit::replace(e.value_span, value.to_string()))
    };
    if min > max || maxs > max {
        // More workers rather than fewer spares: the spares say how many the site needs.
        let children = min.max(maxs);
        let fix = set("pm.max_children", children)
            .map(|e| Fix::unsafe_edits(format!("raise pm.max_children to {children}"), vec![e]));
        out.push(Diagnostic::new(&PM_ARITHMETIC, if min > max { min_span } else { max_span }, format!("[pool {p}] pm.min_spare_servers({min}) and pm.max_spare_servers({maxs}) cannot be greater than pm.max_children({max})")).with_fix_opt(fix));
        return;
    }
    if maxs < min {
        let fix = set("pm.max_spare_servers", min)
            .map(|e| Fix::unsafe_edits(format!("raise pm.max_spare_servers to {min}"), vec![e]));
        out.push(Diagnostic::new(&PM_ARITHMETIC, max_span, format!("[pool {p}] pm.max_spare_servers({maxs}) must not be less than pm.min_spare_servers({min})")).with_fix_opt(fix));
        return;
    }
    if let Some((start, span)) = get("pm.start_servers") {
        if start > 0 && (start < min || start > maxs) {
            out.push(
                Diagnostic::new(&PM_ARITHMETIC, span, format!("[pool {p}] pm.start_servers({start}) must not be less than pm.min_spare_servers({min}) and not greater than pm.max_spare_servers({maxs})"))
                    .with_help(format!("pick a value from {min} to {maxs}, e.g. {}", min + (maxs - min) / 2))
                    .with_fix(Fix::unsafe_edits(
                        format!("set pm.start_servers to {}", min + (maxs - min) / 2),
                        vec![Edit::replace(span, (min + (maxs - min) / 2).to_string())],
                    )),
            );
            return;
        }
    }
    // 32 when unset; set, it must be positive (an empty value is 0).
    if let Some((rate, span)) = get("pm.max_spawn_rate") {
        if rate < 1 {
            out.push(Diagnostic::new(
                &PM_ARITHMETIC,
                span,
                format!("[pool {p}] pm.max_spawn_rate must be a positive value"),
            ));
        }
    }
}
