//! nginx's server selection, reproduced: servers grouped by the address they
//! listen on, the default server of each address, and the name index nginx
//! builds per address (exact names, `*.` head wildcards, `.*` tail wildcards,
//! regexes in configuration order).
//!
//! Grouping follows `ngx_http_add_listen`: one group per (transport, address,
//! port), where `80`, `*:80` and `0.0.0.0:80` are the same address, `[::]:80`
//! is another (its own socket, IPv6 only unless `ipv6only=off`), and
//! `127.0.0.1:80` is a third that takes the connections to 127.0.0.1 away from
//! the wildcard. `quic` listens are UDP sockets and form their own groups.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::fmt;

use lint_source::Span;
use nginx_conf_parser::{server_name_form, ServerNameForm};

use super::nginx::{NginxListen, Server};

/// TCP for HTTP/1.x and HTTP/2, UDP for `quic` (HTTP/3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transport {
    /// A TCP socket.
    Tcp,
    /// A UDP socket (`listen ... quic`).
    Udp,
}

/// A listening address as nginx compares them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListenAddress {
    /// TCP or UDP.
    pub transport: Transport,
    /// `0.0.0.0`, `[::]`, `127.0.0.1`, a host name, or `unix:/path`.
    pub host: String,
    /// The port; `None` for unix sockets.
    pub port: Option<u32>,
}

impl ListenAddress {
    /// The address of one `listen`.
    pub fn of(listen: &NginxListen) -> Self {
        let host = match listen.host.as_str() {
            "*" | "" => "0.0.0.0".to_string(),
            // nginx compares socket addresses: `[::]` and `[::0]` are one.
            h => match h
                .strip_prefix('[')
                .and_then(|v| v.strip_suffix(']'))
                .and_then(|v| v.parse::<std::net::Ipv6Addr>().ok())
            {
                Some(v6) => format!("[{v6}]"),
                None => h.to_ascii_lowercase(),
            },
        };
        ListenAddress {
            transport: if listen.quic {
                Transport::Udp
            } else {
                Transport::Tcp
            },
            host,
            port: listen.port,
        }
    }
}

impl fmt::Display for ListenAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.port {
            Some(port) => write!(f, "{}:{port}", self.host)?,
            None => write!(f, "{}", self.host)?,
        }
        if self.transport == Transport::Udp {
            write!(f, " (quic)")?;
        }
        Ok(())
    }
}

/// How a `server_name` entry takes part in selection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamePattern {
    /// An exact, lower-cased name (`""` for requests without Host).
    Exact(String),
    /// `*.example.com`: the part after `*.`.
    Head(String),
    /// `www.example.*`: the part before `.*`.
    Tail(String),
    /// `~regex`, compiled caseless as nginx does for the lower-cased host.
    Regex(String),
    /// `$hostname` and other forms the linter cannot resolve.
    Unknown,
}

/// The patterns one `server_name` word stands for (`.example.com` is two), lower-cased
/// as nginx stores them.
pub fn patterns(name: &str) -> Vec<NamePattern> {
    let lower = |s: &str| s.to_ascii_lowercase();
    match server_name_form(name) {
        ServerNameForm::Regex(re) => vec![NamePattern::Regex(re.to_string())],
        ServerNameForm::Variable => vec![NamePattern::Unknown],
        ServerNameForm::Head(rest) => vec![NamePattern::Head(lower(rest))],
        ServerNameForm::DotDomain(rest) => vec![
            NamePattern::Exact(lower(rest)),
            NamePattern::Head(lower(rest)),
        ],
        ServerNameForm::Tail(rest) => vec![NamePattern::Tail(lower(rest))],
        ServerNameForm::Exact(exact) => vec![NamePattern::Exact(lower(exact))],
    }
}

/// True when a client can send this exact name as its Host: not empty, not a
/// placeholder such as `_`, only the characters of host names.
pub fn can_be_requested(name: &str) -> bool {
    name.bytes().any(|b| b.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// One server's place in a group.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    /// Index into `NginxModel::servers`.
    pub server: usize,
    /// The `listen` that put it here.
    pub listen: Span,
    /// Its `listen` word.
    pub keyword: Span,
    /// That listen's protocol parameters, which nginx OR-s across the address.
    pub ssl: bool,
    /// `http2` on that listen.
    pub http2: bool,
    /// `proxy_protocol` on that listen.
    pub proxy_protocol: bool,
}

/// A name nginx ignores on an address because an earlier server has it.
#[derive(Clone, Debug)]
pub struct IgnoredName {
    /// The name as written in the later server.
    pub name: String,
    /// The losing `server_name` word.
    pub span: Span,
    /// The winning `server_name` word.
    pub winner_span: Span,
}

/// Which server answers a host on an address, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A `server_name` entry matched.
    Name {
        /// The server.
        server: usize,
        /// The matching `server_name` word.
        span: Span,
    },
    /// Nothing matched: the default server of the address answers.
    Default(usize),
}

impl Selection {
    /// The answering server.
    pub fn server(self) -> usize {
        match self {
            Selection::Name { server, .. } | Selection::Default(server) => server,
        }
    }
}

/// All servers listening on one address, as nginx sees them.
#[derive(Clone, Debug)]
pub struct ListenGroup {
    /// The address.
    pub address: ListenAddress,
    /// Servers in configuration order (a server appears once).
    pub members: Vec<Member>,
    /// The server that answers unknown hosts: the explicit `default_server`, else the first.
    pub default: usize,
    /// The `listen ... default_server` that made it so, if any.
    pub explicit_default: Option<Span>,
    /// Exact names (lower-cased) and the server and word that hold each. Keys are boxed
    /// and servers 32-bit: a `server_name` of 1.6 million names made this table a fifth
    /// of the heap (48 bytes a slot, 32 now).
    exact: HashMap<Box<str>, (u32, Span)>,
    /// `*.example.com` by `example.com`.
    head: HashMap<Box<str>, (u32, Span)>,
    /// `www.example.*` by `www.example`.
    tail: HashMap<Box<str>, (u32, Span)>,
    /// Regex names, `(?i)` prefixed, in configuration order.
    regex: Vec<(String, usize, Span)>,
    /// Servers that keep at least one name a client can send.
    reachable: HashSet<usize>,
    /// Names nginx ignores here (`conflicting server name ... ignored`).
    pub ignored: Vec<IgnoredName>,
}

impl ListenGroup {
    fn new(address: ListenAddress, first: usize) -> Self {
        ListenGroup {
            address,
            members: Vec::new(),
            default: first,
            explicit_default: None,
            exact: HashMap::new(),
            head: HashMap::new(),
            tail: HashMap::new(),
            regex: Vec::new(),
            reachable: HashSet::new(),
            ignored: Vec::new(),
        }
    }

    /// The server nginx picks for `host` (lower-cased, without port) on this address.
    pub fn select(&self, host: &str) -> Selection {
        let name = |&(server, span): &(u32, Span)| Selection::Name {
            server: server as usize,
            span,
        };
        if let Some(hit) = self.exact.get(host) {
            return name(hit);
        }
        // The longest matching wildcard wins: try the longest suffix (prefix) first.
        let dots: Vec<usize> = host.match_indices('.').map(|(i, _)| i).collect();
        if let Some(hit) = dots.iter().find_map(|&i| self.head.get(&host[i + 1..])) {
            return name(hit);
        }
        if let Some(hit) = dots.iter().rev().find_map(|&i| self.tail.get(&host[..i])) {
            return name(hit);
        }
        for (re, server, span) in &self.regex {
            let matched = super::compiled_regex::is_match(re, host);
            if matched {
                return Selection::Name {
                    server: *server,
                    span: *span,
                };
            }
        }
        Selection::Default(self.default)
    }

    /// True when `server` keeps at least one name on this address that a browser can send
    /// (not `_`, not the empty name, not ignored as a conflict).
    pub fn has_reachable_name(&self, server: usize) -> bool {
        self.reachable.contains(&server)
    }

    fn add_names(&mut self, index: usize, server: &Server) {
        for (name, span) in &server.names {
            for pattern in patterns(name) {
                let exact = matches!(pattern, NamePattern::Exact(_));
                let (table, key) = match pattern {
                    NamePattern::Exact(n) => (&mut self.exact, n),
                    NamePattern::Head(n) => (&mut self.head, n),
                    NamePattern::Tail(n) => (&mut self.tail, n),
                    NamePattern::Regex(r) => {
                        // Compiled caseless against the lower-cased host, as nginx matches it.
                        self.regex.push((format!("(?i){r}"), index, *span));
                        self.reachable.insert(index);
                        continue;
                    }
                    NamePattern::Unknown => continue,
                };
                let server = u32::try_from(index).unwrap_or(u32::MAX);
                match table.get(key.as_str()) {
                    Some(&(winner, winner_span)) if winner != server => {
                        self.ignored.push(IgnoredName {
                            name: name.clone(),
                            span: *span,
                            winner_span,
                        });
                    }
                    Some(_) => {}
                    None => {
                        if !exact || can_be_requested(&key) {
                            self.reachable.insert(index);
                        }
                        table.insert(key.into_boxed_str(), (server, *span));
                    }
                }
            }
        }
    }
}

/// Groups the servers of one nginx tree by listening address, in the order the
/// addresses first appear.
pub fn group(servers: &[impl std::borrow::Borrow<Server>]) -> Vec<ListenGroup> {
    let mut order: Vec<ListenGroup> = Vec::new();
    let mut by_address: HashMap<ListenAddress, usize> = HashMap::new();
    for (index, server) in servers.iter().enumerate() {
        let server: &Server = server.borrow();
        for listen in &server.listens {
            let address = ListenAddress::of(listen);
            let slot = *by_address.entry(address.clone()).or_insert_with(|| {
                order.push(ListenGroup::new(address, index));
                order.len() - 1
            });
            let group = &mut order[slot];
            if listen.default_server && group.explicit_default.is_none() {
                group.default = index;
                group.explicit_default = Some(listen.span);
            }
            // A server's listens are consecutive: it is already a member only if it is the last.
            if group.members.last().is_some_and(|m| m.server == index) {
                continue;
            }
            group.members.push(Member {
                server: index,
                listen: listen.span,
                keyword: listen.keyword,
                ssl: listen.ssl,
                http2: listen.http2,
                proxy_protocol: listen.proxy_protocol,
            });
            group.add_names(index, server);
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(listens: &[(&str, Option<u32>, bool)], names: &[&str], at: usize) -> Server {
        let span = Span::new(lint_source::FileId(0), at, at + 1);
        Server {
            span,
            keyword: span,
            listens: listens
                .iter()
                .map(|(host, port, default_server)| NginxListen {
                    address: String::new(),
                    port: *port,
                    host: (*host).to_string(),
                    default_server: *default_server,
                    ssl: false,
                    http2: false,
                    quic: false,
                    proxy_protocol: false,
                    ipv6only: None,
                    span,
                    keyword: span,
                    explicit: true,
                })
                .collect(),
            names: names.iter().map(|n| ((*n).to_string(), span)).collect(),
            locations: Vec::new(),
            certificate: None,
            alt_svc: false,
            http3_off: None,
            matchers: Default::default(),
            location_memo: Default::default(),
        }
    }

    #[test]
    fn ipv6_spellings_of_one_address_are_one_group() {
        let servers = vec![
            server(&[("[::]", Some(80), false)], &["a.example"], 0),
            server(&[("[::0]", Some(80), false)], &["b.example"], 1),
        ];
        let groups = group(&servers);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].members.len(), 2);
    }

    #[test]
    fn port_only_and_star_are_one_address_ipv6_is_another() {
        let servers = vec![
            server(&[("*", Some(80), false)], &["a.example"], 0),
            server(&[("0.0.0.0", Some(80), false)], &["b.example"], 1),
            server(&[("[::]", Some(80), false)], &["c.example"], 2),
        ];
        let groups = group(&servers);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].members.len(), 2);
        assert_eq!(groups[0].address.to_string(), "0.0.0.0:80");
        assert_eq!(groups[1].address.to_string(), "[::]:80");
    }

    #[test]
    fn selection_follows_nginx_order() {
        let servers = vec![
            server(&[("*", Some(80), false)], &["~^www\\."], 0),
            server(&[("*", Some(80), false)], &["www.example.*"], 1),
            server(&[("*", Some(80), false)], &["*.example.com"], 2),
            server(&[("*", Some(80), true)], &["*.www.example.com", "_"], 3),
        ];
        let g = &group(&servers)[0];
        assert_eq!(g.default, 3);
        assert_eq!(g.select("www.example.com").server(), 2);
        assert_eq!(g.select("a.www.example.com").server(), 3);
        assert_eq!(g.select("www.example.org").server(), 1);
        assert_eq!(g.select("www.other.net").server(), 0);
        assert_eq!(g.select("other.net"), Selection::Default(3));
        assert!(!g.has_reachable_name(3) || g.select("a.www.example.com").server() == 3);
    }

    #[test]
    fn dot_name_conflicts_with_exact_and_head() {
        let servers = vec![
            server(&[("*", Some(80), false)], &["example.com"], 0),
            server(&[("*", Some(80), false)], &[".example.com"], 1),
        ];
        let g = &group(&servers)[0];
        assert_eq!(g.ignored.len(), 1);
        assert_eq!(g.select("example.com").server(), 0);
        assert_eq!(g.select("a.example.com").server(), 1);
    }
}
