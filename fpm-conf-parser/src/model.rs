//! The pools model: global settings and pools with every entry kept with its
//! span, and typed accessors that apply php-fpm's rules (last wins for
//! ordinary keys, first wins for array keys, `$pool` expansion, time quirks).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use lint_source::{Diagnostic, FileId, Span};

pub use crate::parse::Entry;

/// Everything loaded from one php-fpm main file.
#[derive(Debug, Default)]
pub struct FpmConfig {
    /// The main file (`php-fpm.conf`), as named.
    pub main: PathBuf,
    /// Its id, when it could be read.
    pub main_file: Option<FileId>,
    /// The prefix relative paths resolve against (`-p`, else `/usr`).
    pub prefix: PathBuf,
    /// `[global]` entries, in file order.
    pub global: Vec<Entry>,
    /// Pools in order of first appearance (`[www]` and `[WWW]` are one pool).
    pub pools: Vec<Pool>,
    /// Parse, include and check diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Some included file could not be known (a deployment mounts something the
    /// repository does not show there): settings may come from it, so "missing" checks
    /// cannot claim anything.
    pub incomplete: bool,
    /// php-fpm is started with `-R` (`--allow-to-run-as-root`): a pool may run as root.
    pub root_allowed: bool,
}

/// One pool.
#[derive(Debug, Clone)]
pub struct Pool {
    /// The name as first written.
    pub name: String,
    /// Span of the first `[name]` header.
    pub name_span: Span,
    /// Every entry, in the order php-fpm applies them (includes spliced).
    pub entries: Vec<Entry>,
    /// The prefix relative paths of this pool resolve against.
    pub prefix: PathBuf,
}

/// The host part of a TCP `listen`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ListenHost {
    /// Port only, `0.0.0.0`, `[::]`, `*`: every interface.
    Any,
    /// An IPv4 address.
    V4(Ipv4Addr),
    /// An IPv6 address.
    V6(Ipv6Addr),
    /// A host name, resolved at start (`localhost` → 127.0.0.1 on Debian).
    Name(String),
}

/// A pool's `listen`, normalised.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Listen {
    /// A unix socket at this absolute path (relative values are joined to the prefix).
    Unix(PathBuf),
    /// A TCP socket.
    Tcp {
        /// Interface.
        host: ListenHost,
        /// Port as written; `None` when it is not a number.
        port: Option<u32>,
        /// The port text as written.
        port_text: String,
    },
}

/// Parses a `listen` value as php-fpm does: a `:` means TCP (split at the last
/// one), all digits means a port on every interface, anything else is a unix path.
///
/// ```
/// use std::path::Path;
/// use fpm_conf_parser::{parse_listen, Listen, ListenHost};
/// let prefix = Path::new("/usr");
/// assert!(matches!(parse_listen("9000", prefix), Listen::Tcp { host: ListenHost::Any, port: Some(9000), .. }));
/// assert_eq!(parse_listen("/run/php/www.sock", prefix), Listen::Unix("/run/php/www.sock".into()));
/// // No port: php-fpm takes it for a (relative) socket path.
/// assert_eq!(parse_listen("127.0.0.1", prefix), Listen::Unix("/usr/127.0.0.1".into()));
/// ```
pub fn parse_listen(value: &str, prefix: &Path) -> Listen {
    let value = value.trim();
    if value.bytes().all(|b| b.is_ascii_digit()) && !value.is_empty() {
        return Listen::Tcp {
            host: ListenHost::Any,
            port: value.parse().ok(),
            port_text: value.to_string(),
        };
    }
    if let Some(colon) = value.rfind(':') {
        let host = &value[..colon];
        let port_text = value[colon + 1..].to_string();
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let host = if host.is_empty() || host == "*" || host == "0.0.0.0" || host == "::" {
            ListenHost::Any
        } else if let Ok(v4) = host.parse::<Ipv4Addr>() {
            ListenHost::V4(v4)
        } else if let Ok(v6) = host.parse::<Ipv6Addr>() {
            ListenHost::V6(v6)
        } else {
            ListenHost::Name(host.to_string())
        };
        let port = if port_text.bytes().all(|b| b.is_ascii_digit()) {
            port_text.parse().ok()
        } else {
            None
        };
        return Listen::Tcp {
            host,
            port,
            port_text,
        };
    }
    Listen::Unix(resolve_path(value, prefix))
}

/// A path as php-fpm resolves it: absolute as written, relative to `prefix` otherwise
/// (listen sockets, slowlog, access.log, chroot, chdir).
pub fn resolve_path(value: &str, prefix: &Path) -> PathBuf {
    let path = Path::new(value);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        prefix.join(path)
    }
}

/// php-fpm's time parser: `<int>[s|m|h|d]`, lowercase suffixes, atoi semantics
/// (so `10ms` reads as 10 seconds). `Err` carries php-fpm's message.
///
/// ```
/// use fpm_conf_parser::parse_fpm_time;
/// assert_eq!(parse_fpm_time("30s"), Ok(30));
/// assert_eq!(parse_fpm_time("5m"), Ok(300));
/// assert_eq!(parse_fpm_time("10ms"), Ok(10));
/// assert!(parse_fpm_time("5M").is_err());
/// ```
pub fn parse_fpm_time(value: &str) -> Result<i64, &'static str> {
    if value.is_empty() {
        return Err("invalid time value");
    }
    let (number, mult) = match value.as_bytes()[value.len() - 1] {
        b's' => (&value[..value.len() - 1], 1),
        b'm' => (&value[..value.len() - 1], 60),
        b'h' => (&value[..value.len() - 1], 3600),
        b'd' => (&value[..value.len() - 1], 86400),
        c if c.is_ascii_digit() => (value, 1),
        _ => return Err("unknown suffix used in time value"),
    };
    // `60 * atoi(val)` in C `int`s: a product past the range wraps.
    #[allow(clippy::cast_possible_truncation)]
    Ok(i64::from((atoi(number) as i32).wrapping_mul(mult)))
}

/// glibc's `atoi`: `(int) strtol(text, NULL, 10)`. Leading white space, an optional sign,
/// the leading digits (the rest ignored; 0 when none); strtol clamps to the 64-bit `long`
/// range and the cast keeps the low 32 bits, so `99999999999999999999` is `LONG_MAX`, -1
/// as an `int`, and `4294967297` is 1 (what php-fpm stores: its settings are `int`s).
///
/// ```
/// use fpm_conf_parser::model::atoi;
/// assert_eq!(atoi("12x"), 12);
/// assert_eq!(atoi("99999999999999999999"), -1);
/// assert_eq!(atoi("-99999999999999999999"), 0);
/// assert_eq!(atoi("4294967297"), 1);
/// assert_eq!(atoi("2147483648"), -2147483648);
/// ```
pub fn atoi(text: &str) -> i64 {
    let t = text.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    // Accumulated wide enough that the clamp below is strtol's.
    let n: i128 = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i128, |acc, d| {
            (acc * 10 + i128::from(d - b'0')).min(i128::from(u64::MAX))
        });
    let long = if neg { -n } else { n }.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
    // Truncation is the point: it is what the cast to int does.
    #[allow(clippy::cast_possible_truncation)]
    i64::from(long as i32)
}

/// php-fpm's integer: optional `-` then digits only; empty is 0.
pub fn parse_fpm_int(value: &str) -> Option<i64> {
    if value.is_empty() {
        return Some(0);
    }
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(atoi(value))
}

/// php-fpm's boolean after the INI scanner: `1`/empty, or the lowercase words.
pub fn parse_fpm_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "yes" | "true" | "on" => Some(true),
        "" | "0" | "no" | "none" | "false" | "off" => Some(false),
        _ => None,
    }
}

impl Pool {
    /// The effective entry of an ordinary key (keys match case-insensitively; last wins).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.array_key.is_none() && e.key.eq_ignore_ascii_case(key))
    }

    /// The effective value of a key with `$pool` expanded.
    pub fn value(&self, key: &str) -> Option<String> {
        self.get(key).map(|e| e.value.replace("$pool", &self.name))
    }

    /// A path value as php-fpm resolves it for this pool: `$pool` expanded, relative to
    /// the pool prefix. `None` for empty values and values with other variables.
    pub fn path(&self, value: &str) -> Option<PathBuf> {
        let value = value.trim().replace("$pool", &self.name);
        if value.is_empty() || value.contains('$') {
            return None;
        }
        Some(resolve_path(&value, &self.prefix))
    }

    /// The effective entry of an array key (`php_admin_value[max_execution_time]`):
    /// the first occurrence wins; admin values win over user values.
    pub fn array(&self, name: &str, key: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.key == name && e.array_key.as_deref().map(str::trim_end) == Some(key))
    }

    /// A PHP ini setting as the pool sets it: `php_admin_value`/`php_admin_flag` first, then `php_value`/`php_flag`.
    pub fn php_setting(&self, key: &str) -> Option<&Entry> {
        self.array("php_admin_value", key)
            .or_else(|| self.array("php_admin_flag", key))
            .or_else(|| self.array("php_value", key))
            .or_else(|| self.array("php_flag", key))
    }

    /// A time setting in seconds (php-fpm's quirks applied), with its entry.
    pub fn time(&self, key: &str) -> Option<(i64, &Entry)> {
        let e = self.get(key)?;
        parse_fpm_time(&e.value).ok().map(|v| (v, e))
    }

    /// An integer setting with its entry.
    pub fn int(&self, key: &str) -> Option<(i64, &Entry)> {
        let e = self.get(key)?;
        parse_fpm_int(&e.value).map(|v| (v, e))
    }

    /// A boolean setting (default when unset or invalid).
    pub fn flag(&self, key: &str, default: bool) -> bool {
        self.get(key)
            .and_then(|e| parse_fpm_bool(&e.value))
            .unwrap_or(default)
    }

    /// The normalised listen address with its entry.
    pub fn listen(&self) -> Option<(Listen, &Entry)> {
        let e = self.get("listen")?;
        let value = e.value.replace("$pool", &self.name);
        if value.trim().is_empty() {
            return None;
        }
        Some((parse_listen(&value, &self.prefix), e))
    }

    /// The process manager in lower case.
    pub fn pm(&self) -> Option<String> {
        self.get("pm").map(|e| e.value.to_ascii_lowercase())
    }
}

impl FpmConfig {
    /// A pool file linted on its own (`--fpm zz-docker.conf`, not a `php-fpm.conf`) whose
    /// pool sets neither `pm` nor `pm.max_children`: a drop-in over a pool that files read
    /// before it define (the official image's zz-docker.conf only moves `listen`), so what
    /// it lacks (`user`, `listen`, ...) is theirs.
    ///
    /// ```
    /// use std::{path::Path, sync::Arc};
    /// use lint_source::{vfs::MemoryFs, SourceMap};
    /// let mut fs = MemoryFs::new();
    /// fs.insert("/etc/php/zz-docker.conf", "[www]\nclear_env = no\n");
    /// fs.insert("/etc/php/php-fpm.conf", "[www]\nclear_env = no\n");
    /// let opts = fpm_conf_parser::FpmLoadOptions { fs: Some(Arc::new(fs)), ..Default::default() };
    /// let map = SourceMap::new();
    /// let drop_in = fpm_conf_parser::load(Path::new("/etc/php/zz-docker.conf"), &opts, &map);
    /// assert!(drop_in.is_drop_in(&drop_in.pools[0]));
    /// let main = fpm_conf_parser::load(Path::new("/etc/php/php-fpm.conf"), &opts, &map);
    /// assert!(!main.is_drop_in(&main.pools[0]));
    /// ```
    pub fn is_drop_in(&self, pool: &Pool) -> bool {
        let lone_file = self
            .main
            .file_name()
            .is_some_and(|n| !n.to_string_lossy().starts_with("php-fpm.conf"));
        lone_file && pool.get("pm").is_none() && pool.get("pm.max_children").is_none()
    }

    /// A global setting (last wins).
    pub fn global(&self, key: &str) -> Option<&Entry> {
        self.global
            .iter()
            .rev()
            .find(|e| e.array_key.is_none() && e.key.eq_ignore_ascii_case(key))
    }
}

/// Settings read from a php.ini.
#[derive(Debug, Default)]
pub struct PhpIni {
    /// The file.
    pub path: PathBuf,
    /// Every `key = value`, in order.
    pub entries: Vec<Entry>,
    /// Parse diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

impl PhpIni {
    /// The effective value of a key (last wins; php.ini keys are case-sensitive).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.array_key.is_none() && e.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_forms() {
        let p = Path::new("/usr");
        assert_eq!(
            parse_listen("9000", p),
            Listen::Tcp {
                host: ListenHost::Any,
                port: Some(9000),
                port_text: "9000".into()
            }
        );
        assert!(matches!(
            parse_listen("[::1]:9002", p),
            Listen::Tcp {
                host: ListenHost::V6(_),
                port: Some(9002),
                ..
            }
        ));
        assert!(matches!(
            parse_listen("[::]:9004", p),
            Listen::Tcp {
                host: ListenHost::Any,
                ..
            }
        ));
        assert!(matches!(
            parse_listen("::1:9005", p),
            Listen::Tcp {
                host: ListenHost::V6(_),
                port: Some(9005),
                ..
            }
        ));
        assert!(matches!(
            parse_listen("localhost:9000", p),
            Listen::Tcp {
                host: ListenHost::Name(_),
                ..
            }
        ));
        assert_eq!(
            parse_listen("127.0.0.1", p),
            Listen::Unix("/usr/127.0.0.1".into())
        );
        assert_eq!(
            parse_listen("run/x.sock", p),
            Listen::Unix("/usr/run/x.sock".into())
        );
    }

    #[test]
    fn time_quirks() {
        assert_eq!(parse_fpm_time("10ms"), Ok(10));
        assert_eq!(parse_fpm_time("1.5m"), Ok(60));
        assert_eq!(
            parse_fpm_time("5S"),
            Err("unknown suffix used in time value")
        );
        assert_eq!(parse_fpm_time("300"), Ok(300));
        assert_eq!(parse_fpm_time("2h"), Ok(7200));
        assert_eq!(parse_fpm_int("5x"), None);
        assert_eq!(parse_fpm_int("-1"), Some(-1));
        assert_eq!(parse_fpm_int(""), Some(0));
    }
}
