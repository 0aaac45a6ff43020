//! Host names as the security rules judge them: IP literals, names that only a
//! private resolver answers (single labels, reserved and internal suffixes), and
//! the host part of a `*_pass` URL.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The host and port of a `*_pass` or `resolver` address: `http://[::1]:8080/x`,
/// `backend:9000`, `example.com`. `None` for unix sockets and empty hosts.
pub fn host_of(target: &str) -> Option<&str> {
    let rest = target.split_once("://").map_or(target, |(scheme, rest)| {
        if scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
        {
            rest
        } else {
            target
        }
    });
    if rest.starts_with("unix:") {
        return None;
    }
    let host = if let Some(v6) = rest.strip_prefix('[') {
        // Keep the brackets out: `[::1]:53` is `::1`.
        v6.split(']').next().unwrap_or(v6)
    } else {
        rest.split(['/', '?', '#', ':']).next().unwrap_or(rest)
    };
    (!host.is_empty()).then_some(host)
}

/// An IPv4 or IPv6 literal (brackets allowed).
pub fn is_ip_literal(host: &str) -> bool {
    ip(host).is_some()
}

/// The address of an IP literal (brackets allowed).
pub fn ip(host: &str) -> Option<IpAddr> {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.parse::<IpAddr>().ok()
}

/// An address only this machine or its private network answers on: loopback,
/// RFC 1918 / RFC 6598 / link-local / unique-local / site-local IPv6.
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_v4(v4);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                // fc00::/7 unique local, fe80::/10 link-local, fec0::/10 site-local (deprecated).
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
        }
    }
}

fn is_private_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        // 100.64.0.0/10, carrier-grade NAT (RFC 6598).
        || (a == 100 && (64..128).contains(&b))
}

/// True for `::1`-style loopback and 127/8.
pub fn is_loopback(host: &str) -> bool {
    ip(host).is_some_and(|ip| match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6 == Ipv6Addr::LOCALHOST,
    })
}

/// Top-level labels reserved by RFC 2606, 6761, 6762 and 7686: never public.
const RESERVED_TLDS: &[&str] = &[
    "test",
    "example",
    "invalid",
    "localhost",
    "local",
    "onion",
    "arpa",
    "internal",
    "home",
    "lan",
    "corp",
    "localdomain",
    "intranet",
    "private",
];

/// Suffixes service discovery and cloud providers answer only inside their network.
const INTERNAL_SUFFIXES: &[&str] = &[
    ".cluster.local",
    ".svc",
    ".pod",
    ".consul",
    ".docker",
    ".nomad",
    ".vault",
    ".mesos",
    ".novalocal",
    ".openstacklocal",
    ".internal.cloudapp.net",
];

/// Short words used as the first label of in-cluster names (`api.prod`, `db.staging`).
const SERVICE_WORDS: &[&str] = &[
    "api", "app", "backend", "frontend", "web", "db", "cache", "redis", "queue", "worker", "proxy",
    "gateway", "service", "server", "php", "fpm", "nginx", "auth",
];

/// A name only a private resolver answers: a single label (`backend`, a Compose or
/// Kubernetes service), a reserved or internal top-level label (`.internal`,
/// `.local`), a service-discovery suffix, or `service.environment` (`api.prod`).
pub fn is_private_name(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if !h.contains('.') {
        return true;
    }
    let tld = h.rsplit('.').next().unwrap_or("");
    if RESERVED_TLDS.contains(&tld) {
        return true;
    }
    if INTERNAL_SUFFIXES.iter().any(|s| h.ends_with(s)) {
        return true;
    }
    let labels: Vec<&str> = h.split('.').collect();
    if let [first, second] = labels.as_slice() {
        if SERVICE_WORDS.contains(first)
            && second.len() <= 12
            && second.bytes().all(|b| b.is_ascii_alphabetic())
        {
            return true;
        }
    }
    false
}

/// A name under a public suffix (`example.com`, `dns.google`): one anybody can register,
/// answered by the public DNS. `adomain.osa` (no such suffix) is not.
pub fn is_public_name(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h.contains('.')
        && !is_private_name(&h)
        && psl::suffix(h.as_bytes()).is_some_and(|s| s.is_known())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_pass_targets() {
        assert_eq!(host_of("http://[::1]:8080/x"), Some("::1"));
        assert_eq!(host_of("https://example.com$uri"), Some("example.com$uri"));
        assert_eq!(host_of("backend:9000"), Some("backend"));
        assert_eq!(host_of("http://unix:/run/a.sock"), None);
        assert_eq!(host_of("unix:/run/a.sock"), None);
        assert_eq!(host_of("[::1]:53"), Some("::1"));
    }

    #[test]
    fn private_addresses_and_names() {
        for a in [
            "127.0.0.1",
            "10.0.0.1",
            "169.254.0.1",
            "::1",
            "fea0:abcd:1234::1",
            "100.64.1.1",
        ] {
            assert!(is_private_ip(ip(a).expect(a)), "{a}");
        }
        for a in ["1.1.1.1", "8.8.8.8", "2001:4860:4860::8888"] {
            assert!(!is_private_ip(ip(a).expect(a)), "{a}");
        }
        for n in [
            "backend",
            "api.prod",
            "x.svc.cluster.local",
            "a.service.consul",
            "test.internal",
        ] {
            assert!(is_private_name(n), "{n}");
        }
        for n in [
            "example.com",
            "myapp.somethingnew",
            "api.xn--mgbaam7a8h",
            "my-api.workers.dev",
        ] {
            assert!(!is_private_name(n), "{n}");
        }
        assert!(is_public_name("dns.google"));
        assert!(!is_public_name("adomain.osa"));
        assert!(!is_public_name("test.internal"));
    }
}
