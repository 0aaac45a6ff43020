//! Addresses on both sides, normalised so that they can be compared as the
//! kernel compares them: `unix:/run/php/x.sock` ≡ `listen = /run/php/x.sock`,
//! `localhost` ≡ 127.0.0.1 and ::1, a port-only pool ≡ every interface.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use fpm_conf_parser::{Listen, ListenHost};
use nginx_conf_parser::normalize;

/// A socket path as the kernel finds it: normalised, `/var/run` read as `/run` (every
/// current distribution links one to the other, so both sides may name either).
pub fn socket_path(path: &std::path::Path) -> PathBuf {
    let normal = normalize(path);
    match normal.strip_prefix("/var/run") {
        Ok(rest) => std::path::Path::new("/run").join(rest),
        Err(_) => normal,
    }
}

/// The host of an nginx upstream address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TargetHost {
    /// An IP literal.
    Ip(IpAddr),
    /// A name (`localhost`, `php`, `app.internal`), resolved by nginx at start.
    Name(String),
}

/// Where an nginx `*_pass` (or upstream `server`) sends requests.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NginxTarget {
    /// `unix:/path`.
    Unix(PathBuf),
    /// `HOST:PORT` (port `None` when not written: an upstream name, or an error).
    Tcp {
        /// Host.
        host: TargetHost,
        /// Port.
        port: Option<u32>,
    },
    /// Contains a variable: decided per request.
    Variable(String),
    /// A path without `unix:` (nginx reads it as a host name).
    BarePath(String),
}

/// Parses the address of a `*_pass` or upstream `server` (a URL scheme is stripped when `url`).
pub fn parse_nginx_target(raw: &str, url: bool) -> NginxTarget {
    if raw.contains('$') {
        return NginxTarget::Variable(raw.to_string());
    }
    let mut text = raw;
    let mut default_port = None;
    // Only `proxy_pass` reads a URI after the socket path (`http://unix:/x.sock:/uri`):
    // for `fastcgi_pass` and the others a `:` is part of the path (ngx_parse_url's
    // `uri_part`, set by proxy_pass alone).
    let mut uri_part = false;
    if url {
        for (scheme, port) in [
            ("http://", 80),
            ("https://", 443),
            ("grpc://", 80),
            ("grpcs://", 443),
            ("uwsgi://", 0),
            ("suwsgi://", 0),
        ] {
            if let Some(rest) = text.strip_prefix(scheme) {
                text = rest;
                default_port = (port > 0).then_some(port);
                uri_part = scheme.starts_with("http");
            }
        }
    }
    if let Some(path) = text.strip_prefix("unix:") {
        let path = match uri_part {
            true => path.split(':').next().unwrap_or(path),
            false => path,
        };
        return NginxTarget::Unix(socket_path(std::path::Path::new(path)));
    }
    if text.starts_with('/') {
        return NginxTarget::BarePath(text.to_string());
    }
    // Drop a URI part.
    let hostport = text.split('/').next().unwrap_or(text);
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        let (h, p) = rest.split_once(']').unwrap_or((rest, ""));
        (
            h.to_string(),
            p.strip_prefix(':').and_then(|p| p.parse().ok()),
        )
    } else if let Some((h, p)) = hostport.rsplit_once(':') {
        (h.to_string(), p.parse().ok())
    } else {
        (hostport.to_string(), None)
    };
    let host = match host.parse::<IpAddr>() {
        Ok(ip) => TargetHost::Ip(ip),
        Err(_) => TargetHost::Name(host.to_ascii_lowercase()),
    };
    NginxTarget::Tcp {
        host,
        port: port.or(default_port),
    }
}

/// How a target relates to a pool's listen address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The kernel connects them.
    Yes,
    /// Only some of the target's addresses reach the pool (`localhost` → ::1 and 127.0.0.1).
    Partly,
    /// Not this pool.
    No,
}

fn is_local_name(name: &str) -> bool {
    name == "localhost" || name == "ip6-localhost" || name == "localhost.localdomain"
}

/// Whether `target` reaches a pool listening on `listen`.
pub fn reaches(target: &NginxTarget, listen: &Listen) -> Reach {
    match (target, listen) {
        (NginxTarget::Unix(a), Listen::Unix(b)) => {
            // Both sides usually spell the path alike: bytes first, the kernel's reading
            // (which allocates) only when they differ.
            if a.as_os_str() == b.as_os_str() || socket_path(a) == socket_path(b) {
                Reach::Yes
            } else {
                Reach::No
            }
        }
        (
            NginxTarget::Tcp {
                host,
                port: Some(port),
            },
            Listen::Tcp {
                host: pool_host,
                port: Some(pool_port),
                ..
            },
        ) => {
            if port != pool_port {
                return Reach::No;
            }
            match (host, pool_host) {
                (_, ListenHost::Any) => Reach::Yes,
                (TargetHost::Ip(ip), ListenHost::V4(p)) => yes_if(*ip == IpAddr::V4(*p)),
                (TargetHost::Ip(ip), ListenHost::V6(p)) => yes_if(*ip == IpAddr::V6(*p)),
                (TargetHost::Ip(IpAddr::V4(ip)), ListenHost::Name(n)) if is_local_name(n) => {
                    yes_if(*ip == Ipv4Addr::LOCALHOST)
                }
                (TargetHost::Name(n), ListenHost::V4(p)) if is_local_name(n) => {
                    if *p == Ipv4Addr::LOCALHOST {
                        Reach::Partly
                    } else {
                        Reach::No
                    }
                }
                (TargetHost::Name(n), ListenHost::V6(p)) if is_local_name(n) => {
                    if *p == Ipv6Addr::LOCALHOST {
                        Reach::Partly
                    } else {
                        Reach::No
                    }
                }
                (TargetHost::Name(a), ListenHost::Name(b)) => yes_if(a.eq_ignore_ascii_case(b)),
                _ => Reach::No,
            }
        }
        _ => Reach::No,
    }
}

fn yes_if(b: bool) -> Reach {
    if b {
        Reach::Yes
    } else {
        Reach::No
    }
}

/// True when the target certainly points at this machine (loopback or a socket path).
pub fn is_local(target: &NginxTarget) -> bool {
    match target {
        NginxTarget::Unix(_) => true,
        NginxTarget::Tcp {
            host: TargetHost::Ip(ip),
            ..
        } => ip.is_loopback() || ip.is_unspecified(),
        NginxTarget::Tcp {
            host: TargetHost::Name(n),
            ..
        } => is_local_name(n),
        _ => false,
    }
}

/// Short text of a target for messages.
pub fn describe(target: &NginxTarget) -> String {
    match target {
        NginxTarget::Unix(p) => format!("unix:{}", p.display()),
        NginxTarget::Tcp { host, port } => {
            let h = match host {
                TargetHost::Ip(IpAddr::V6(v6)) => format!("[{v6}]"),
                TargetHost::Ip(ip) => ip.to_string(),
                TargetHost::Name(n) => n.clone(),
            };
            match port {
                Some(p) => format!("{h}:{p}"),
                None => h,
            }
        }
        NginxTarget::Variable(v) | NginxTarget::BarePath(v) => v.clone(),
    }
}

/// Short text of a pool address for messages.
pub fn describe_listen(listen: &Listen) -> String {
    match listen {
        Listen::Unix(p) => p.display().to_string(),
        Listen::Tcp {
            host, port_text, ..
        } => match host {
            ListenHost::Any => format!("*:{port_text}"),
            ListenHost::V4(v4) => format!("{v4}:{port_text}"),
            ListenHost::V6(v6) => format!("[{v6}]:{port_text}"),
            ListenHost::Name(n) => format!("{n}:{port_text}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fpm_conf_parser::parse_listen;

    fn r(target: &str, listen: &str) -> Reach {
        reaches(
            &parse_nginx_target(target, false),
            &parse_listen(listen, std::path::Path::new("/usr")),
        )
    }

    #[test]
    fn kernel_view_of_addresses() {
        assert_eq!(
            r("unix:/run/php/php8.2-fpm.sock", "/run/php/php8.2-fpm.sock"),
            Reach::Yes
        );
        assert_eq!(r("unix:/run/php//x.sock", "/run/php/x.sock"), Reach::Yes);
        assert_eq!(r("unix:/var/run/php/x.sock", "/run/php/x.sock"), Reach::Yes);
        assert_eq!(r("unix:/run/php/x.sock", "/var/run/php/x.sock"), Reach::Yes);
        assert_eq!(
            r("unix:/run/php/php8.1-fpm.sock", "/run/php/php8.2-fpm.sock"),
            Reach::No
        );
        assert_eq!(r("127.0.0.1:9000", "9000"), Reach::Yes);
        assert_eq!(r("127.0.0.1:9000", "127.0.0.1:9000"), Reach::Yes);
        assert_eq!(r("127.0.0.1:9000", "127.0.0.1:9001"), Reach::No);
        assert_eq!(r("localhost:9000", "127.0.0.1:9000"), Reach::Partly);
        assert_eq!(r("[::1]:9000", "127.0.0.1:9000"), Reach::No);
        assert_eq!(r("[::1]:9000", "[::1]:9000"), Reach::Yes);
        assert_eq!(r("php:9000", "9000"), Reach::Yes);
        assert_eq!(r("127.0.0.1:9000", "/run/php/x.sock"), Reach::No);
        assert_eq!(
            parse_nginx_target("http://127.0.0.1/x", true),
            NginxTarget::Tcp {
                host: TargetHost::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
                port: Some(80)
            }
        );
        assert!(matches!(
            parse_nginx_target("/run/php.sock", false),
            NginxTarget::BarePath(_)
        ));
        assert!(matches!(
            parse_nginx_target("$backend", false),
            NginxTarget::Variable(_)
        ));
    }

    #[test]
    fn a_colon_after_the_socket_path_ends_it_only_for_proxy_pass() {
        // nginx's error log writes `upstream: "fastcgi://unix:/run/x.sock:"`; copied into
        // fastcgi_pass, the colon is part of the path (live: 502, "No such file").
        assert_eq!(
            parse_nginx_target("unix:/run/x.sock:", false),
            NginxTarget::Unix("/run/x.sock:".into())
        );
        assert_eq!(
            parse_nginx_target("http://unix:/run/x.sock:/app/", true),
            NginxTarget::Unix("/run/x.sock".into())
        );
        assert_eq!(
            parse_nginx_target("grpc://unix:/run/x.sock:", true),
            NginxTarget::Unix("/run/x.sock:".into())
        );
    }
}
