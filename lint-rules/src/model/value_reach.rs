//! What a request can put in a variable at a given statement, followed through the
//! statements that give variables their values: `set`, the captures of the regexes
//! that matched (a regex `location` matches the decoded `$uri`, an `if` its operand,
//! a `rewrite` the URI), `map` entries (and their regex captures over the map's
//! source) and `geo` values (literal text).
//!
//! The answer is a [`Reach`]: the bytes a client can choose in the value (not the
//! literal text around them) and the bytes it always contains; with it, the value's
//! [`Lead`] (whether it always begins with `/`). Work is bounded: a chain of variables
//! is followed [`DEPTH`] steps deep.

use foldhash::{HashMap, HashMapExt};

use lint_source::Span;
use nginx_conf_parser::Item;

use super::syntax::Tree;

use super::regex_reach::{self, Bytes, Reach};
use super::tree_walk::condition;

/// How many variable-to-variable steps are followed (cycles stop here too).
pub const DEPTH: usize = 8;

/// One piece of an nginx script value: literal text or a variable (its name as
/// written, without `$` and braces; captures are their digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'v> {
    /// Literal text.
    Text(&'v str),
    /// A variable.
    Var(&'v str),
}

/// A value split as nginx's script compiler splits it.
pub fn pieces(value: &str) -> Vec<Piece<'_>> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let dollar = i;
        let braced = bytes.get(i + 1) == Some(&b'{');
        let start = if braced { i + 2 } else { i + 1 };
        let mut end = start;
        if bytes.get(start).is_some_and(u8::is_ascii_digit) {
            end = start + 1;
        } else {
            while bytes
                .get(end)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                end += 1;
            }
        }
        if end == start {
            i += 1;
            continue;
        }
        if dollar > text_start {
            out.push(Piece::Text(&value[text_start..dollar]));
        }
        out.push(Piece::Var(&value[start..end]));
        i = if braced && bytes.get(end) == Some(&b'}') {
            end + 1
        } else {
            end
        };
        text_start = i;
    }
    if text_start < value.len() {
        out.push(Piece::Text(&value[text_start..]));
    }
    out
}

/// How a value begins. A value written after `host:port` that always begins with `/`
/// starts the path: whatever else it holds, it cannot change the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lead {
    /// Every non-empty value begins with `/`.
    pub slash: bool,
    /// The value may be empty (a `map` without `default`, a variable not known here).
    pub empty: bool,
}

impl Default for Lead {
    fn default() -> Self {
        Lead::UNKNOWN
    }
}

impl Lead {
    /// Nothing known: any first byte, maybe empty.
    pub const UNKNOWN: Lead = Lead {
        slash: false,
        empty: true,
    };
    /// The empty value (what a sequence of nothing begins with).
    const EMPTY: Lead = Lead {
        slash: true,
        empty: true,
    };

    fn text(t: &str) -> Lead {
        match t.bytes().next() {
            None => Lead::EMPTY,
            Some(b) => Lead {
                slash: b == b'/',
                empty: false,
            },
        }
    }

    /// This value followed by `next`: when this one may be empty, `next` may begin.
    fn then(self, next: Lead) -> Lead {
        if self.empty {
            Lead {
                slash: self.slash && next.slash,
                empty: next.empty,
            }
        } else {
            self
        }
    }

    /// Either value.
    fn or(self, other: Lead) -> Lead {
        Lead {
            slash: self.slash && other.slash,
            empty: self.empty || other.empty,
        }
    }
}

/// What a value holds, with the statements it gets that from (outermost first,
/// at most four).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Traced {
    /// The bytes.
    pub reach: Reach,
    /// How it begins.
    pub lead: Lead,
    /// Statements the value comes through (`set`, `map`, a regex `location`).
    pub via: Vec<Span>,
}

impl Traced {
    /// Literal text: no byte the client chooses.
    fn text(t: &str) -> Traced {
        Traced {
            reach: Reach {
                can: Bytes::NONE,
                must: Bytes::of(t.as_bytes()),
            },
            lead: Lead::text(t),
            via: Vec::new(),
        }
    }

    /// What a pattern's capture (or a builtin) holds, with nothing known of its start.
    fn of(reach: Reach, via: Vec<Span>) -> Traced {
        Traced {
            reach,
            lead: Lead::UNKNOWN,
            via,
        }
    }

    fn through(mut self, span: Span) -> Traced {
        // Provenance matters only for what the client controls.
        if self.via.len() < 4 && self.reach.can != Bytes::NONE {
            self.via.insert(0, span);
        }
        self
    }

    /// Either value (alternatives: map entries, several `set`s).
    fn either(self, other: Traced, first: bool) -> Traced {
        let (reach, lead) = if first {
            (other.reach, other.lead)
        } else {
            (
                Reach {
                    can: self.reach.can.or(other.reach.can),
                    must: self.reach.must.and(other.reach.must),
                },
                self.lead.or(other.lead),
            )
        };
        let mut via = self.via;
        if via.is_empty() || (other.reach.can != Bytes::NONE && via.len() < 4) {
            via.extend(other.via.into_iter().take(4 - via.len().min(4)));
        }
        Traced { reach, lead, via }
    }
}

/// Variables nginx defines and refuses to `set` ("the duplicate "host" variable",
/// checked with nginx 1.22 `-t`): no `set`, capture or map can give them another
/// value, so they are looked up directly.
pub fn fixed_builtin(name: &str) -> bool {
    matches!(
        name,
        "uri"
            | "document_uri"
            | "request_uri"
            | "query_string"
            | "request_body"
            | "request_filename"
            | "document_root"
            | "realpath_root"
            | "fastcgi_path_info"
            | "fastcgi_script_name"
            | "host"
            | "http_host"
            | "http_referer"
            | "http_user_agent"
            | "http_cookie"
            | "scheme"
            | "https"
            | "is_args"
            | "server_name"
            | "server_port"
            | "server_addr"
            | "server_protocol"
            | "remote_addr"
            | "remote_port"
            | "request_method"
            | "request_id"
            | "msec"
            | "time_local"
            | "time_iso8601"
            | "status"
            | "hostname"
            | "nginx_version"
    )
}

/// What the client controls in a variable nginx itself defines.
pub fn builtin(name: &str) -> Reach {
    let printable = Bytes::range(0x21, 0x7e);
    let slash = Bytes::NONE.with(b'/');
    let (can, must) = match name {
        // Decoded from the request URI: `%0d%0a` arrives as CR LF.
        "uri" | "document_uri" | "fastcgi_script_name" | "request_filename" => (Bytes::ALL, slash),
        "fastcgi_path_info" | "request_body" => (Bytes::ALL, Bytes::NONE),
        // Raw request line: no whitespace, CR or LF can be in it.
        "request_uri" => (printable, slash),
        "args" | "query_string" => (printable, Bytes::NONE),
        n if n.starts_with("arg_") => (printable.without(b'&'), Bytes::NONE),
        // Header values: nginx rejects CR, LF and NUL in them (HTTP/1 and HTTP/2).
        n if n.starts_with("http_") => (printable.with(b' ').with(b'\t'), Bytes::NONE),
        n if n.starts_with("cookie_") => {
            (printable.with(b' ').with(b'\t').without(b';'), Bytes::NONE)
        }
        _ => (Bytes::NONE, Bytes::NONE),
    };
    Reach { can, must }
}

/// The `map` and `geo` blocks of a tree, by the variable they define (lower case).
pub struct Globals<'c> {
    defs: HashMap<String, Item<'c>>,
    /// `set` statements at the top level: a fragment linted on its own may hold them.
    top_sets: Vec<Item<'c>>,
    /// Where the `set`s and `rewrite`s of each server, location and `if` block are
    /// among its statements (by the block's span), gathered on the first lookup there:
    /// a block of 8 000 `set`s was read whole for each of its 8 000 variables (SEC014:
    /// 1.2 s). Places, not statements: the lock would tie the tree's lifetime down.
    blocks: std::sync::Mutex<HashMap<Span, std::sync::Arc<BlockDefs>>>,
}

/// Where one block defines variables: places among its statements, in document order.
#[derive(Default)]
struct BlockDefs {
    /// `set` and `auth_request_set` by the variable's name (lower case, no `$`).
    sets: HashMap<String, Vec<usize>>,
    /// Every `rewrite` (its captures may define any name).
    rewrites: Vec<usize>,
}

impl BlockDefs {
    fn of(block: &Item<'_>) -> Self {
        let mut defs = BlockDefs::default();
        for (at, child) in block.children().enumerate() {
            if child.is("set") || child.is("auth_request_set") {
                let var = child.arg(0).unwrap_or_default();
                let name = var.trim_start_matches('$').to_ascii_lowercase();
                defs.sets.entry(name).or_default().push(at);
            } else if child.is("rewrite") {
                defs.rewrites.push(at);
            }
        }
        defs
    }

    /// The places of the statements that may define `name` (lower case), ascending.
    fn for_name(&self, name: &str) -> Vec<usize> {
        let mut found: Vec<usize> = self
            .sets
            .get(name)
            .into_iter()
            .flatten()
            .chain(&self.rewrites)
            .copied()
            .collect();
        found.sort_unstable();
        found
    }
}

impl<'c> Globals<'c> {
    /// Collects the `map`/`geo` blocks of every `http` block (and of the top level,
    /// for fragments), looked up by name in the tree's index: `http` holds every site of
    /// a big tree, and rules checking one server block at a time ask for these.
    pub fn of(tree: &Tree<'c>) -> Globals<'c> {
        let mut defs = HashMap::new();
        let mut top_sets = Vec::new();
        let mut add = |item: Item<'c>| {
            let dest = if item.is("geo") && item.arg_count() == 1 {
                item.arg(0)
            } else {
                item.arg(1)
            };
            if let Some(dest) = dest {
                let name = dest.trim_start_matches('$').to_ascii_lowercase();
                defs.entry(name).or_insert(item);
            }
        };
        for &i in tree.children(None) {
            let item = tree.item(i);
            if (item.is("map") || item.is("geo")) && item.is_block() {
                add(item);
            } else if item.is("set") {
                top_sets.push(item);
            } else if item.is("http") {
                // In document order: the first definition of a name wins.
                let mut found: Vec<usize> = tree
                    .children_named(Some(i), "map")
                    .chain(tree.children_named(Some(i), "geo"))
                    .collect();
                found.sort_unstable();
                for c in found {
                    let child = tree.item(c);
                    if child.is_block() {
                        add(child);
                    }
                }
            }
        }
        Globals {
            defs,
            top_sets,
            blocks: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// The `set`s and `rewrite`s of `block` that may define `name` (lower case), in
    /// document order; the block is read only as far as the last of them.
    fn definitions_in(&self, block: &Item<'c>, name: &str) -> Vec<Item<'c>> {
        let places = {
            let mut blocks = self
                .blocks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            blocks
                .entry(block.span())
                .or_insert_with(|| std::sync::Arc::new(BlockDefs::of(block)))
                .for_name(name)
        };
        let Some(&last) = places.last() else {
            return Vec::new();
        };
        let mut wanted = places.iter().peekable();
        let mut out = Vec::with_capacity(places.len());
        for (at, child) in block.children().enumerate().take(last + 1) {
            if wanted.next_if(|&&w| w == at).is_some() {
                out.push(child);
            }
        }
        out
    }

    /// The `map` or `geo` block that defines `var` (lower case, no `$`).
    pub fn definition(&self, var: &str) -> Option<&Item<'c>> {
        self.defs.get(var)
    }
}

/// Resolves variables at one statement, given the blocks around it (outermost first).
pub struct Resolver<'r, 'c> {
    /// The tree's maps and geos.
    pub globals: &'r Globals<'c>,
    /// The blocks around the statement.
    pub blocks: &'r [Item<'c>],
}

/// Characters a rewrite's captures cannot carry into its replacement: nginx
/// escapes them when the rewrite redirects (gixy's boundary for rewrite).
fn rewrite_boundary() -> Bytes {
    Bytes::ALL
        .without(b' ')
        .without(b'\t')
        .without(b'\n')
        .without(b'\r')
        .without(0x0b)
        .without(0x0c)
}

/// False when `pattern` cannot define capture `name` (checked before parsing it:
/// most lookups are of names no regex captures, and parsing is the costly part).
fn may_capture(pattern: &str, name: &str) -> bool {
    if name.bytes().all(|b| b.is_ascii_digit()) {
        return pattern.contains('(');
    }
    pattern.match_indices(name).any(|(at, _)| {
        let before = pattern[..at].chars().next_back();
        let after = pattern[at + name.len()..].chars().next();
        matches!(
            (before, after),
            (Some('<'), Some('>')) | (Some('\''), Some('\''))
        )
    })
}

/// Variable lookups one query may make. The depth limit alone is not enough: a value
/// that names a variable k times (`set $a "$b$b$b..."`, found by fuzzing) fans out k^DEPTH
/// lookups (a 6 KB tree took 6 s). Past the budget a lookup is unknown, as past the depth.
const LOOKUPS: usize = 4096;

/// Answers already found in the current query, by variable (lower case), then by how
/// many of the query's blocks were in scope and the depth left. Every lookup of one query
/// sees a prefix of the query's blocks (or none: top-level `set`s and maps), so the
/// prefix length names the scope exactly. Without it, a value naming a variable k times
/// is traced k times over at every step: the budget kept that bounded, but a fuzzed
/// 11 KB tree still spent 2.7 G instructions on such queries, and a real chain past the
/// budget came out unknown.
type Memo = foldhash::HashMap<String, Vec<(usize, usize, Traced)>>;

thread_local! {
    /// Lookups left in the current query (queries run on one thread, never nested).
    static LOOKUPS_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(LOOKUPS) };
    /// The current query's answers (cleared when a query starts).
    static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::default());
}

/// Starts a query: a full budget and no remembered answers.
fn start_query() {
    LOOKUPS_LEFT.with(|left| left.set(LOOKUPS));
    MEMO.with(|memo| memo.borrow_mut().clear());
}

impl<'r, 'c> Resolver<'r, 'c> {
    /// What a script value holds.
    pub fn value(&self, value: &str) -> Traced {
        start_query();
        self.value_at(value, self.blocks, DEPTH)
    }

    /// What variable `name` holds here.
    pub fn var(&self, name: &str) -> Traced {
        start_query();
        self.var_at(name, self.blocks, DEPTH)
    }

    fn value_at(&self, value: &str, blocks: &[Item<'c>], depth: usize) -> Traced {
        let mut out = Traced::text("");
        for piece in pieces(value) {
            let part = match piece {
                Piece::Text(t) => Traced::text(t),
                Piece::Var(v) => self.var_at(v, blocks, depth),
            };
            out.reach.can = out.reach.can.or(part.reach.can);
            out.reach.must = out.reach.must.or(part.reach.must);
            out.lead = out.lead.then(part.lead);
            if out.via.is_empty() && part.reach.can != Bytes::NONE {
                out.via = part.via;
            }
        }
        out
    }

    fn var_at(&self, name: &str, blocks: &[Item<'c>], depth: usize) -> Traced {
        let spent = LOOKUPS_LEFT.with(|left| {
            let n = left.get();
            left.set(n.saturating_sub(1));
            n == 0
        });
        if depth == 0 || spent {
            return Traced::default();
        }
        let name: std::borrow::Cow<'_, str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            name.to_ascii_lowercase().into()
        } else {
            name.into()
        };
        let name = &*name;
        if fixed_builtin(name) {
            return Traced::of(builtin(name), Vec::new());
        }
        let remembered = MEMO.with(|memo| {
            memo.borrow().get(name).and_then(|answers| {
                answers
                    .iter()
                    .find(|(scope, left, _)| *scope == blocks.len() && *left == depth)
                    .map(|(_, _, t)| t.clone())
            })
        });
        if let Some(t) = remembered {
            return t;
        }
        let t = self.trace_var(name, blocks, depth);
        MEMO.with(|memo| {
            memo.borrow_mut()
                .entry(name.to_string())
                .or_default()
                .push((blocks.len(), depth, t.clone()));
        });
        t
    }

    /// What variable `name` (lower case) holds in `blocks`, found from its definitions.
    fn trace_var(&self, name: &str, blocks: &[Item<'c>], depth: usize) -> Traced {
        // Innermost level that provides the variable wins: its `set`s, the captures
        // of its rewrites and of its own regex.
        for level in (0..blocks.len()).rev() {
            let block = &blocks[level];
            // `set` and `rewrite` live in server, location and if only: the http level
            // (every site spliced in) is not read once per lookup.
            if !(block.is("server") || block.is("location") || block.is("if")) {
                continue;
            }
            let outer = &blocks[..level];
            let mut found: Option<Traced> = None;
            let add = |t: Traced, found: &mut Option<Traced>| {
                *found = Some(match found.take() {
                    None => t,
                    Some(f) => f.either(t, false),
                });
            };
            for child in self.globals.definitions_in(block, name) {
                if child.is("set") || child.is("auth_request_set") {
                    let var = child.arg(0).unwrap_or_default();
                    if var.trim_start_matches('$').eq_ignore_ascii_case(name) {
                        let value = child.arg(1).unwrap_or_default();
                        let t = self
                            .value_at(&value, &blocks[..=level], depth - 1)
                            .through(child.span());
                        add(t, &mut found);
                    }
                } else if child.is("rewrite") {
                    if let Some(r) = child
                        .arg(0)
                        .filter(|p| may_capture(p, name))
                        .and_then(|p| regex_reach::parse_cached(&p))
                        .and_then(|p| p.group(name))
                    {
                        let can = r.can.and(rewrite_boundary());
                        add(
                            Traced::of(Reach { can, must: r.must }, vec![child.span()]),
                            &mut found,
                        );
                    }
                }
            }
            if let Some(t) = self.block_capture(block, outer, name, depth) {
                add(t, &mut found);
            }
            if let Some(found) = found {
                return found;
            }
        }
        let mut top: Option<Traced> = None;
        for set in &self.globals.top_sets {
            let var = set.arg(0).unwrap_or_default();
            if var.trim_start_matches('$').eq_ignore_ascii_case(name) {
                let value = set.arg(1).unwrap_or_default();
                let t = self.value_at(&value, &[], depth - 1).through(set.span());
                top = Some(match top {
                    None => t,
                    Some(f) => f.either(t, false),
                });
            }
        }
        if let Some(top) = top {
            return top;
        }
        if let Some(def) = self.globals.defs.get(name) {
            return self.hash_value(def, depth - 1).through(def.head_span());
        }
        Traced::of(builtin(name), Vec::new())
    }

    /// The capture `name` of a block's own regex (`location ~`, `if (... ~ ...)`),
    /// limited by what the matched subject can hold.
    fn block_capture(
        &self,
        block: &Item<'c>,
        outer: &[Item<'c>],
        name: &str,
        depth: usize,
    ) -> Option<Traced> {
        let (pattern, subject) = if block.is("location") {
            let modifier = block.arg(0)?;
            if modifier != "~" && modifier != "~*" {
                return None;
            }
            (block.arg(1)?.into_owned(), builtin("uri"))
        } else if block.is("if") && block.arg_count() >= 3 {
            let (left, op, right) = condition(block);
            if !matches!(op.as_str(), "~" | "~*" | "!~" | "!~*") {
                return None;
            }
            let right = right.trim_matches(['"', '\'']).to_string();
            (right, self.value_at(&left, outer, depth - 1).reach)
        } else {
            return None;
        };
        if !may_capture(&pattern, name) {
            return None;
        }
        let group = regex_reach::parse_cached(&pattern)?.group(name)?;
        Some(Traced::of(
            Reach {
                can: group.can.and(subject.can),
                must: group.must,
            },
            vec![block.head_span()],
        ))
    }

    /// What a `map` or `geo` gives its variable: any of its values; a byte is always
    /// there only when every value (the default included, which must exist) has it.
    fn hash_value(&self, def: &Item<'c>, depth: usize) -> Traced {
        if depth == 0 {
            return Traced::default();
        }
        let geo = def.is("geo");
        let source = if geo {
            String::new()
        } else {
            def.arg(0).map(|s| s.into_owned()).unwrap_or_default()
        };
        let mut out = Traced::default();
        let mut first = true;
        let mut has_default = false;
        for entry in def.children() {
            let key = entry.name();
            if entry.arg_count() != 1
                || matches!(
                    &*key,
                    "include"
                        | "hostnames"
                        | "volatile"
                        | "delete"
                        | "proxy"
                        | "ranges"
                        | "proxy_recursive"
                )
            {
                continue;
            }
            let value = entry.arg(0).unwrap_or_default();
            has_default |= key == "default";
            let t = if geo {
                Traced::text(&value)
            } else {
                self.map_entry(&source, &key, &value, depth)
            };
            out = out.either(t.through(entry.span()), first);
            first = false;
        }
        if !has_default {
            // No entry matches: the empty string.
            out.reach.must = Bytes::NONE;
            out.lead = out.lead.or(Lead::EMPTY);
        }
        out
    }

    /// One `map` entry's value: its captures come from the key's regex over the source.
    fn map_entry(&self, source: &str, key: &str, value: &str, depth: usize) -> Traced {
        let pattern = key.strip_prefix("~*").or_else(|| key.strip_prefix('~'));
        let global = Resolver {
            globals: self.globals,
            blocks: &[],
        };
        let mut out = Traced::text("");
        for piece in pieces(value) {
            let (part, lead) = match piece {
                Piece::Text(t) => {
                    let t = Traced::text(t);
                    (t.reach, t.lead)
                }
                Piece::Var(v) => match pattern
                    .filter(|p| may_capture(p, v))
                    .and_then(regex_reach::parse_cached)
                    .and_then(|r| r.group(v))
                {
                    Some(group) => (
                        Reach {
                            can: group
                                .can
                                .and(global.value_at(source, &[], depth - 1).reach.can),
                            must: group.must,
                        },
                        Lead::UNKNOWN,
                    ),
                    None => {
                        let t = global.var_at(v, &[], depth - 1);
                        if out.via.is_empty() {
                            out.via = t.via;
                        }
                        (t.reach, t.lead)
                    }
                },
            };
            out.reach.can = out.reach.can.or(part.can);
            out.reach.must = out.reach.must.or(part.must);
            out.lead = out.lead.then(lead);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tree_walk::walk;
    use lint_source::SourceMap;
    use nginx_conf_parser::Config;

    fn reach_at(conf: &str, directive: &str) -> Reach {
        traced_at(conf, directive).reach
    }

    /// `conf` read as nginx.conf (with the source map its spans point into).
    fn loaded(conf: &str) -> (SourceMap, Config) {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("nginx.conf");
        std::fs::write(&main, conf).expect("write");
        let map = SourceMap::new();
        let config = nginx_conf_parser::load(&main, &Default::default(), &map);
        (map, config)
    }

    fn traced_at(conf: &str, directive: &str) -> Traced {
        let (_map, config) = loaded(conf);
        let tree = Tree::of(&config);
        let globals = Globals::of(&tree);
        let mut out = None;
        walk(&config, |item, blocks| {
            if item.is(directive) {
                let r = Resolver {
                    globals: &globals,
                    blocks,
                };
                out = Some(r.value(&item.arg(item.arg_count() - 1).unwrap_or_default()));
            }
        });
        out.expect("directive found")
    }

    fn lookups_spent() -> usize {
        LOOKUPS - LOOKUPS_LEFT.with(std::cell::Cell::get)
    }

    /// The first `map` or `geo` of a name in document order defines it, whether `http`
    /// is scanned or looked up by name (more than a few dozen statements); top-level
    /// `set`s are kept for fragments.
    #[test]
    fn globals_take_the_first_definition_in_document_order() {
        for padding in [0, 40] {
            let filler: String = (0..padding)
                .map(|i| format!(" gzip_types t/{i};\n"))
                .collect();
            let conf = format!(
                "set $top 1;\nhttp {{\n{filler} geo $x {{ default g; }}\n map $a $x {{ default m; }}\n map $b $y {{ default y; }}\n geo $y {{ default g2; }}\n}}\n"
            );
            let (_map, config) = loaded(&conf);
            let tree = Tree::of(&config);
            let globals = Globals::of(&tree);
            let name = |var: &str| globals.definition(var).map(|d| d.name().into_owned());
            assert_eq!(name("x").as_deref(), Some("geo"), "padding {padding}");
            assert_eq!(name("y").as_deref(), Some("map"), "padding {padding}");
            assert_eq!(globals.top_sets.len(), 1);
        }
    }

    /// lint_tree, 2026-12-02: a block with many `set`s of one variable whose values name
    /// it again fanned out (sets × references)^DEPTH lookups; the budget stopped it with
    /// the value unknown. Each (variable, scope, depth) is now traced once per query: the
    /// value is known, the client's bytes found, in a few hundred lookups.
    #[test]
    fn self_referencing_sets_are_traced_once_per_variable_and_depth() {
        let sets = "            set $a \"$a$a$b\";\n            set $b \"$a$b$b\";\n".repeat(6);
        let conf = format!(
            "events {{}}\nhttp {{\n    server {{\n        location / {{\n            set $b $uri;\n{sets}            add_header X $a;\n        }}\n    }}\n}}\n"
        );
        let t = traced_at(&conf, "add_header");
        assert!(t.reach.can.has(b'\n'), "{t:?}");
        assert!(lookups_spent() < 1000, "{} lookups", lookups_spent());
    }

    /// A chain of variables, each naming the one before six times, reaches `$uri` after
    /// six steps: 6^6 paths, one answer per step.
    #[test]
    fn a_fanned_out_chain_costs_one_lookup_per_reference_and_step() {
        let mut sets = String::from("            set $v1 $uri;\n");
        for i in 2..=7 {
            let prev = format!("$v{}", i - 1).repeat(6);
            sets.push_str(&format!("            set $v{i} \"{prev}\";\n"));
        }
        let conf = format!(
            "events {{}}\nhttp {{\n    server {{\n        location / {{\n{sets}            add_header X $v7;\n        }}\n    }}\n}}\n"
        );
        let t = traced_at(&conf, "add_header");
        assert!(t.reach.can.has(b'\n'), "{t:?}");
        // One lookup of $v7, six of each $v6..$v1 (five of them remembered), two for $uri.
        assert!(lookups_spent() <= 6 * 6 + 2, "{} lookups", lookups_spent());
        // A plain chain is resolved in one lookup per step.
        let chain = "events {}\nhttp {\n    server {\n        location / {\n            set $b \"x\";\n            set $a \"$b\";\n            add_header X $a;\n        }\n    }\n}\n";
        let t = traced_at(chain, "add_header");
        assert_eq!(t.reach.can, Bytes::NONE);
        assert_eq!(lookups_spent(), 2);
    }

    #[test]
    fn splits_values_like_nginx() {
        assert_eq!(
            pieces("http://${arg_x}.a/$1$uri-"),
            [
                Piece::Text("http://"),
                Piece::Var("arg_x"),
                Piece::Text(".a/"),
                Piece::Var("1"),
                Piece::Var("uri"),
                Piece::Text("-"),
            ]
        );
        assert_eq!(pieces("$"), [Piece::Text("$")]);
    }

    #[test]
    fn follows_captures_sets_and_maps() {
        let conf =
            "http { map $host $m { default 1; x $u2; } map $host $u2 { default 2; y $uri; }\n\
                    server { location ~ ^/p/(a|b)/(\\W*)$ { set $p $2; add_header X $p; } } }";
        assert!(reach_at(conf, "add_header").can.has(b'\n'));
        let conf = conf.replace("$2;", "$1;");
        assert!(!reach_at(&conf, "add_header").can.has(b'\n'));
        let conf =
            "http { map $host $m { default 1; x $u2; } map $host $u2 { default 2; y $uri; }\n\
                    server { add_header X $m; } }";
        assert!(reach_at(conf, "add_header").can.has(b'\r'));
        // A regex over $request_uri captures raw bytes: no CR or LF.
        let conf = "http { server { if ($request_uri ~ ^/e/(.*)$) { return 301 $1; } } }";
        assert!(!reach_at(conf, "return").can.has(b'\r'));
        let conf = "http { server { if ($uri ~ ^/e/(.*)$) { return 301 $1; } } }";
        assert!(reach_at(conf, "return").can.has(b'\r'));
    }

    #[test]
    fn map_without_default_may_be_empty() {
        let conf = "http { map $arg_k $m { a /a/; b /b/; } server { set $x $m; return 200 $x; } }";
        assert!(!reach_at(conf, "return").must.has(b'/'));
        let conf =
            "http { map $arg_k $m { default /d/; a /a/; } server { set $x $m; return 200 $x; } }";
        assert!(reach_at(conf, "return").must.has(b'/'));
        let conf = "http { geo $g { default \"$document_uri\"; } server { return 200 $g; } }";
        let r = reach_at(conf, "return");
        assert!(
            !r.must.has(b'/') && r.can == Bytes::NONE,
            "geo values are literal"
        );
    }

    #[test]
    fn leads_follow_maps_sets_and_captures() {
        let lead = |conf: &str| traced_at(conf, "return").lead;
        // Every value begins with `/`; without a default, no match is empty.
        let conf = "http { map $request_uri $t { ~^/a/(?<r>.*) /v1/$r; ~^/b/ /b; } server { return 200 $t; } }";
        assert_eq!(
            lead(conf),
            Lead {
                slash: true,
                empty: true
            }
        );
        let conf = "http { map $request_uri $t { default /; ~^/a/(.*) /v1/$1; } server { return 200 $t; } }";
        assert_eq!(
            lead(conf),
            Lead {
                slash: true,
                empty: false
            }
        );
        // A capture may begin with anything.
        let conf =
            "http { map $request_uri $t { default /; ~^/a/(.*) $1; } server { return 200 $t; } }";
        assert!(!lead(conf).slash);
        // Through a `set`, and after a variable that may be empty.
        let conf = "http { map $uri $e { x /x; } server { set $s $e/y; return 200 $s; } }";
        assert_eq!(
            lead(conf),
            Lead {
                slash: true,
                empty: false
            }
        );
        let conf = "http { map $uri $e { x /x; } server { set $s ${e}y; return 200 $s; } }";
        assert!(!lead(conf).slash);
        // Variables nginx defines: nothing known.
        let conf = "http { server { return 200 $arg_x; } }";
        assert_eq!(lead(conf), Lead::UNKNOWN);
    }
}
