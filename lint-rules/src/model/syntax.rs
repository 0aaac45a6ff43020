//! The nginx syntax tree ([`crate::model::Model::trees`]) indexed once per run: every
//! statement in document order with its parent and each block's children, for rules
//! that look around a statement (siblings after it, the enclosing `if` and
//! `location`, the nearest level that sets an inherited directive), plus the
//! readings of `if`, `location`, `server_name` and `map` several rules share.
//! Included files are spliced into the block that includes them (see
//! [`super::tree_walk`]), so a statement three files down has its real ancestors; a
//! snippet linted on its own starts at whatever level it is written.

use nginx_conf_parser::{Config, Item};
use std::borrow::Cow;

/// One tree's statements with their parents and children.
#[derive(Debug)]
pub struct Tree<'a> {
    /// The configuration every statement belongs to (one per tree: an [`Item`] is made
    /// from it and a statement's file and directive when asked for).
    config: &'a Config,
    /// Each statement's directive (8 bytes a statement, not an `Item`'s 24: a 5 000-site
    /// tree has 700 000 statements); its file is the one its span names.
    items: Vec<&'a nginx_conf_parser::Directive>,
    /// The files of the statements by id, from id `first_file` on (ids are dense in a
    /// run; an editor's session skips the ids of files parsed before, a few thousand).
    files: Vec<Option<&'a nginx_conf_parser::ParsedFile>>,
    /// The id of `files[0]`.
    first_file: u32,
    /// Each statement's enclosing block, [`NO_PARENT`] at the top (4 bytes a statement,
    /// not 16: a 5 000-site tree has a million statements).
    parents: Vec<u32>,
    /// Children of every node, node after node (two allocations per tree, not one per block).
    children: Vec<usize>,
    /// Where each node's children start in `children` (one more entry than nodes).
    starts: Vec<u32>,
    /// Top-level statements.
    roots: Vec<usize>,
    /// Where each statement's block ends: the statements from `i` to `ends[i]` (not
    /// included) are `i` and everything in it (document order keeps a block together).
    ends: Vec<u32>,
    /// For blocks with many children (`http` holds every server of a big tree), each
    /// name's statements: so that [`Tree::inherited`] and [`Node::child`] (and
    /// [`Node::effective`], which asks at every level up to `http`) answer with a lookup
    /// instead of a scan of thousands of siblings per call. Names borrow the files' text.
    wide: foldhash::HashMap<Option<usize>, Wide<'a>>,
    /// `upstream` blocks of `http` by lower-cased name, the first of each.
    upstreams: foldhash::HashMap<Box<str>, usize>,
    /// `location` statements by span (see [`Tree::locations_at`]), built on first need.
    locations: std::sync::OnceLock<Locations>,
    /// Every statement's index by name, in document order, built on first need: some
    /// twenty rules ask for one name's statements (`location`, `rewrite`, `allow`), and a
    /// scan compared a million names per question on a 5 000-site tree.
    /// (Owned names: a borrowed one in a cell would make the tree invariant in `'a`.)
    by_any_name: std::sync::OnceLock<ByName>,
}

/// Every statement's index grouped by name ([`Tree::statements_named`]).
#[derive(Debug)]
struct ByName {
    /// Each name's place in `statements`: start and length.
    spans: foldhash::HashMap<Box<str>, (u32, u32)>,
    /// The statements, one name's after another, each name's in document order.
    statements: Vec<u32>,
}

/// `location` statements by span, sorted by span and then in document order (a span
/// written once and spliced in several places, a snippet's location, has several): 16
/// bytes a location, looked up by binary search. (A map of spans to indices kept 3.1 MiB
/// of buckets for the 75 000 locations of a 5 000-site tree; this list is 1.1 MiB.)
#[derive(Debug, Default)]
struct Locations(Box<[(lint_source::Span, u32)]>);

/// A wide block's children by name (see [`Tree::wide`]).
#[derive(Debug)]
struct Wide<'a> {
    /// Each name once with its statements, sorted by name: a lookup is a binary search.
    /// (A map per server block of a big tree kept its buckets a quarter to a half empty:
    /// 1.3 KB a server, 6.3 MiB at 5 000 sites.)
    names: Box<[(Cow<'a, str>, Named)]>,
    /// The children grouped by name, each name's in document order (see
    /// [`Named::start`]).
    grouped: Box<[u32]>,
}

impl Wide<'_> {
    fn get(&self, name: &str) -> Option<&Named> {
        self.names
            .binary_search_by(|(n, _)| n.as_ref().cmp(name))
            .ok()
            .map(|i| &self.names[i].1)
    }
}

/// The statements of one name in a wide block.
#[derive(Clone, Debug)]
struct Named {
    /// The first, whatever its arguments (statement numbers fit in `u32`: see
    /// [`NO_PARENT`]; 16 bytes a name, not 32, in a map per server of a big tree).
    first: u32,
    /// The last that has arguments (an inherited value), [`NO_PARENT`] when none.
    last_with_args: u32,
    /// Where they are, in document order, in the block's list of children by name
    /// (`Wide::grouped`): one list per wide block, not one per name.
    start: u32,
    len: u32,
}

/// Directives that set a location's content handler besides `stub_status` (each sets
/// `clcf->handler` when nginx reads it): in one block, the one written last wins
/// (NGX218; SEC052's `stub_status` replaced by a later `fastcgi_pass`).
pub const CONTENT_HANDLERS: &[&str] = &[
    "fastcgi_pass",
    "proxy_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
    "memcached_pass",
    "empty_gif",
    "js_content",
    "perl",
    "mp4",
    "flv",
];

/// The statements of a tree a [`crate::Check::Nodes`] rule is run on, in document
/// order: the whole tree, one `server` block of http (the block and everything in it),
/// or everything outside those blocks. What a rule finds about a statement depends on
/// the statement, what it holds and the blocks around it, so each part can be checked
/// on its own.
#[derive(Clone, Debug, Default)]
pub struct Nodes {
    ranges: Vec<std::ops::Range<usize>>,
}

impl Nodes {
    /// Every statement of `tree`.
    pub fn all(tree: &Tree<'_>) -> Self {
        Nodes {
            ranges: std::iter::once(0..tree.len()).collect(),
        }
    }

    /// Statement `i` of `tree` and everything in it.
    pub fn block(tree: &Tree<'_>, i: usize) -> Self {
        Nodes {
            ranges: std::iter::once(i..tree.end_of(i)).collect(),
        }
    }

    /// Every statement of `tree` outside the blocks `blocks` (sorted, none inside another).
    pub fn outside(tree: &Tree<'_>, blocks: &[usize]) -> Self {
        let mut ranges = Vec::new();
        let mut start = 0;
        for &b in blocks {
            if start < b {
                ranges.push(start..b);
            }
            start = start.max(tree.end_of(b));
        }
        if start < tree.len() {
            ranges.push(start..tree.len());
        }
        Nodes { ranges }
    }

    /// Whether statement `i` is one of these.
    pub fn contains(&self, i: usize) -> bool {
        self.ranges.iter().any(|r| r.contains(&i))
    }

    /// The statements' indices, in document order.
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.ranges.iter().flat_map(|r| r.clone())
    }

    /// The indices of the statements named `name`, in document order.
    pub fn named<'s>(
        &'s self,
        tree: &'s Tree<'_>,
        name: &'s str,
    ) -> impl Iterator<Item = usize> + 's {
        let all = tree.statements_named(name);
        self.ranges.iter().flat_map(move |r| {
            let from = all.partition_point(|&i| (i as usize) < r.start);
            let to = all.partition_point(|&i| (i as usize) < r.end);
            all[from..to.max(from)].iter().map(|&i| i as usize)
        })
    }
}

/// Statements of a file's syntax tree, blocks' contents included (`include`s not followed).
fn statement_count(directives: &[nginx_conf_parser::ast::Directive]) -> usize {
    let mut count = 0;
    let mut pending: Vec<&[nginx_conf_parser::ast::Directive]> = vec![directives];
    while let Some(list) = pending.pop() {
        count += list.len();
        pending.extend(
            list.iter()
                .filter_map(|d| d.block.as_deref())
                .map(|b| b.directives.as_slice()),
        );
    }
    count
}

/// The parent of a top-level statement in [`Tree::parents`].
const NO_PARENT: u32 = u32::MAX;

/// Children from which a block's statements are looked up by name rather than scanned.
/// (Statement indices are kept as `u32`: [`Tree::of`] stops indexing at `u32::MAX - 1`
/// statements, far past what the include expansion budget lets a tree hold.)
const WIDE: usize = 32;

impl<'a> Tree<'a> {
    /// Indexes a configuration (`include` statements left out: the files they name
    /// stand in their place).
    pub fn of(config: &'a Config) -> Self {
        // Sized from the statements of every file (a file spliced twice is counted once:
        // a hint, not a bound). Grown by doubling, the list was copied some twenty times
        // on a 5 000-site tree (15 MiB copied at 1 000 sites, dhat).
        let statements = config
            .files
            .values()
            .map(|f| statement_count(&f.directives))
            .sum();
        let mut items = Vec::with_capacity(statements);
        let mut parents = Vec::with_capacity(statements);
        let first_file = config.files.keys().map(|id| id.0).min().unwrap_or(0);
        let last_file = config.files.keys().map(|id| id.0).max().unwrap_or(0);
        let mut files = vec![None; (last_file - first_file) as usize + 1];
        for (id, file) in &config.files {
            files[(id.0 - first_file) as usize] = Some(file.as_ref());
        }
        let mut open: Vec<usize> = Vec::new();
        super::tree_walk::walk(config, |item, blocks| {
            // `blocks` is the chain of enclosing blocks: the open nodes are its indices.
            open.truncate(blocks.len());
            // A statement is found again by its span's file: one that names another
            // (none does: a file's spans carry its id) is left out rather than misplaced.
            if items.len() >= (NO_PARENT - 1) as usize || item.directive.span.file != item.file.id {
                return;
            }
            parents.push(open.last().map_or(NO_PARENT, |&p| p as u32));
            items.push(item.directive);
            if item.is_block() {
                open.push(items.len() - 1);
            }
        });
        // Kept for the whole run: exactly sized (grown by doubling, the two lists held up
        // to twice the statements of a 5 000-site tree).
        items.shrink_to_fit();
        parents.shrink_to_fit();
        let mut counts = vec![0usize; items.len() + 1];
        let mut roots = Vec::new();
        for (i, &parent) in parents.iter().enumerate() {
            match parent {
                NO_PARENT => roots.push(i),
                p => counts[p as usize + 1] += 1,
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let starts: Vec<u32> = counts.iter().map(|&c| c as u32).collect();
        let mut children = vec![0usize; counts.last().copied().unwrap_or(0)];
        for (i, &parent) in parents.iter().enumerate() {
            if parent != NO_PARENT {
                let slot = &mut counts[parent as usize];
                children[*slot] = i;
                *slot += 1;
            }
        }
        let mut ends: Vec<u32> = (1..=items.len()).map(|e| e as u32).collect();
        // A parent comes before its children: from the last statement backwards, every
        // block's end is known before its parent's is taken from it.
        for i in (0..parents.len()).rev() {
            if let Some(p) = parents.get(i).filter(|p| **p != NO_PARENT) {
                let end = ends[i];
                let slot = &mut ends[*p as usize];
                *slot = (*slot).max(end);
            }
        }
        let mut tree = Tree {
            config,
            items,
            files,
            first_file,
            parents,
            children,
            starts,
            roots,
            ends,
            wide: foldhash::HashMap::default(),
            locations: std::sync::OnceLock::new(),
            by_any_name: std::sync::OnceLock::new(),
            upstreams: foldhash::HashMap::default(),
        };
        let levels = std::iter::once(None).chain((0..tree.items.len()).map(Some));
        for level in levels {
            if tree.children(level).len() <= WIDE {
                continue;
            }
            let mut by_name: foldhash::HashMap<Cow<'a, str>, Named> = foldhash::HashMap::default();
            for &c in tree.children(level) {
                let item = tree.item(c);
                let with_args = (item.arg_count() > 0).then_some(c as u32);
                // A key per distinct name, not per statement: the first one stays, the
                // last one with arguments wins.
                let named = by_name.entry(item.name()).or_insert(Named {
                    first: c as u32,
                    last_with_args: NO_PARENT,
                    start: 0,
                    len: 0,
                });
                named.last_with_args = with_args.unwrap_or(named.last_with_args);
                named.len += 1;
            }
            // Each name's place in the grouped list, then the list (`len` counts again as
            // it is filled).
            let mut next = 0u32;
            for named in by_name.values_mut() {
                named.start = next;
                next += named.len;
                named.len = 0;
            }
            let mut grouped = vec![0u32; next as usize];
            for &c in tree.children(level) {
                if let Some(named) = by_name.get_mut(tree.item(c).name().as_ref()) {
                    if let Some(slot) = grouped.get_mut((named.start + named.len) as usize) {
                        *slot = c as u32;
                    }
                    named.len += 1;
                }
            }
            let mut names: Vec<(Cow<'a, str>, Named)> = by_name.into_iter().collect();
            names.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
            tree.wide.insert(
                level,
                Wide {
                    names: names.into_boxed_slice(),
                    grouped: grouped.into_boxed_slice(),
                },
            );
        }
        let http = tree
            .roots
            .iter()
            .copied()
            .find(|&i| tree.item(i).is("http") && tree.item(i).is_block());
        if let Some(http) = http {
            let mut upstreams = foldhash::HashMap::default();
            for &c in tree.children(Some(http)) {
                let item = tree.item(c);
                if item.is("upstream") && item.is_block() {
                    let name = tree.node(c).arg(0).to_ascii_lowercase();
                    upstreams.entry(name.into_boxed_str()).or_insert(c);
                }
            }
            tree.upstreams = upstreams;
        }
        tree
    }

    /// Calls `visit(statement, enclosing blocks outermost first)` for every statement in
    /// document order: what [`super::tree_walk::walk`] does on the configuration, read
    /// from this index instead of splicing the includes again (a rule's walk of a
    /// 1 000-site tree cost 2-3 ms that way, most of it in the include iterator).
    pub fn walk(&self, visit: impl FnMut(&Item<'a>, &[Item<'a>])) {
        self.walk_nodes(&Nodes::all(self), visit);
    }

    /// Calls `visit` as [`Tree::walk`] does for the statements of `nodes` only, each with
    /// every block around it (those outside `nodes` included).
    pub fn walk_nodes(&self, nodes: &Nodes, mut visit: impl FnMut(&Item<'a>, &[Item<'a>])) {
        for range in &nodes.ranges {
            let mut open: Vec<usize> = match range.clone().next() {
                Some(first) => self.ancestors(first).collect(),
                None => continue,
            };
            open.reverse();
            let mut blocks: Vec<Item<'a>> = open.iter().map(|&o| self.item(o)).collect();
            for i in range.clone() {
                let item = self.item(i);
                let parent = self.parent(i);
                while open.last().copied() != parent && open.pop().is_some() {
                    blocks.pop();
                }
                visit(&item, &blocks);
                if item.is_block() {
                    open.push(i);
                    blocks.push(item);
                }
            }
        }
    }

    /// Where the block of statement `i` ends: `i..end` is `i` and everything in it.
    pub fn end_of(&self, i: usize) -> usize {
        self.ends.get(i).map_or(i + 1, |&e| e as usize)
    }

    /// Every `server` block directly in a top-level `http` block (several `http` blocks
    /// included), by index.
    pub fn server_blocks(&self) -> Vec<usize> {
        self.roots
            .iter()
            .filter(|&&h| self.item(h).is("http") && self.item(h).is_block())
            .flat_map(|&h| self.children(Some(h)).iter().copied())
            .filter(|&c| self.item(c).is("server") && self.item(c).is_block())
            .collect()
    }

    /// Number of statements.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the tree has no statement.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The statement at `i`.
    #[inline]
    pub fn item(&self, i: usize) -> Item<'a> {
        let directive = self.items[i];
        let file = self.files[(directive.span.file.0 - self.first_file) as usize];
        Item {
            config: self.config,
            // Every statement's file was filed by `Tree::of`.
            file: file.expect("the file of an indexed statement"),
            directive,
        }
    }

    /// The enclosing block statement of `i`.
    pub fn parent(&self, i: usize) -> Option<usize> {
        match self.parents[i] {
            NO_PARENT => None,
            p => Some(p as usize),
        }
    }

    /// Children of `i` (the top-level statements for `None`).
    pub fn children(&self, i: Option<usize>) -> &[usize] {
        match i {
            Some(i) => &self.children[self.starts[i] as usize..self.starts[i + 1] as usize],
            None => &self.roots,
        }
    }

    /// Enclosing block statements of `i`, innermost first.
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.parent(i), move |p| self.parent(*p))
    }

    /// The children of `level` (the top-level statements for `None`) named `name`, in
    /// document order: a lookup in a block with many children (`http` of a big tree,
    /// asked about once per server block by rules that check one server at a time).
    pub fn children_named<'s>(
        &'s self,
        level: Option<usize>,
        name: &'s str,
    ) -> impl Iterator<Item = usize> + 's {
        let wide = self.wide.get(&level);
        let listed: Option<&[u32]> = wide.map(|wide| {
            wide.get(name)
                .and_then(|n| {
                    wide.grouped
                        .get(n.start as usize..(n.start + n.len) as usize)
                })
                .unwrap_or(&[])
        });
        let scanned = wide.is_none().then(|| self.children(level));
        listed.into_iter().flatten().map(|&c| c as usize).chain(
            scanned
                .into_iter()
                .flatten()
                .copied()
                .filter(move |&c| self.item(c).is(name)),
        )
    }

    /// The `location` statements written at `span`, in document order (more than one
    /// when a snippet holding it is spliced in several places): what rules that hold a
    /// location of the model look up to read its statements. A lookup, not a scan of the
    /// tree per location (rules run per server: a scan each was quadratic).
    pub fn locations_at(&self, span: lint_source::Span) -> impl Iterator<Item = usize> + '_ {
        let locations = self.locations.get_or_init(|| {
            // Statement numbers fit in `u32` (see [`NO_PARENT`]).
            let mut list: Vec<(lint_source::Span, u32)> = self
                .statements_named("location")
                .iter()
                .map(|&i| (self.item(i as usize).span(), i))
                .collect();
            // Stable: a span's statements stay in document order.
            list.sort_by_key(|(span, _)| *span);
            Locations(list.into_boxed_slice())
        });
        let list = &locations.0;
        let from = list.partition_point(|(s, _)| *s < span);
        list[from..]
            .iter()
            .take_while(move |(s, _)| *s == span)
            .map(|&(_, i)| i as usize)
    }

    /// The nearest enclosing statement named `name`.
    pub fn enclosing(&self, i: usize, name: &str) -> Option<usize> {
        self.ancestors(i).find(|a| self.item(*a).is(name))
    }

    /// Indices of every statement named `name`.
    pub fn named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = usize> + 's {
        self.statements_named(name).iter().map(|&i| i as usize)
    }

    /// The indices of the statements named `name`, ascending (document order).
    fn statements_named(&self, name: &str) -> &[u32] {
        let index = self.by_any_name.get_or_init(|| {
            // Counted, then filled: one exactly sized list for all names (grown one list
            // per name by doubling, the lists held up to twice the statements: 4.2 MiB at
            // the peak of a 5 000-site tree, 2.7 MiB now).
            let mut spans: foldhash::HashMap<Box<str>, (u32, u32)> = foldhash::HashMap::default();
            for i in 0..self.items.len() {
                let name = self.item(i).name();
                match spans.get_mut(name.as_ref()) {
                    Some((_, len)) => *len += 1,
                    None => {
                        spans.insert(name.into(), (0, 1));
                    }
                }
            }
            let mut next = 0u32;
            for (start, len) in spans.values_mut() {
                *start = next;
                next += *len;
                *len = 0;
            }
            let mut statements = vec![0u32; next as usize];
            for i in 0..self.items.len() {
                if let Some((start, len)) = spans.get_mut(self.item(i).name().as_ref()) {
                    if let Some(slot) = statements.get_mut((*start + *len) as usize) {
                        *slot = i as u32;
                    }
                    *len += 1;
                }
            }
            ByName { spans, statements }
        });
        index
            .spans
            .get(name)
            .and_then(|&(start, len)| index.statements.get(start as usize..(start + len) as usize))
            .unwrap_or(&[])
    }

    /// Every statement under `i` (not `i` itself), in document order.
    pub fn descendants(&self, i: Option<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.children(i).iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(self.children(Some(n)).iter().rev());
        }
        out
    }

    /// The effective value of an inherited single-value directive at block `scope`:
    /// the nearest level (the block itself, then outwards) that sets it, its last
    /// statement there.
    pub fn inherited(&self, scope: Option<usize>, name: &str) -> Option<usize> {
        let mut level = scope;
        loop {
            let found = match self.wide.get(&level) {
                Some(by_name) => by_name
                    .get(name)
                    .map(|n| n.last_with_args)
                    .filter(|&i| i != NO_PARENT)
                    .map(|i| i as usize),
                None => self
                    .children(level)
                    .iter()
                    .rev()
                    .find(|c| self.item(**c).is(name) && self.item(**c).arg_count() > 0)
                    .copied(),
            };
            if found.is_some() {
                return found;
            }
            level = self.parent(level?);
        }
    }
}

impl<'a> Tree<'a> {
    /// Statement `i` as a [`Node`].
    pub fn node(&self, i: usize) -> Node<'_, 'a> {
        Node { tree: self, id: i }
    }

    /// Every statement as a [`Node`], in document order.
    pub fn nodes(&self) -> impl Iterator<Item = Node<'_, 'a>> + '_ {
        (0..self.len()).map(move |i| self.node(i))
    }

    /// Every statement named `name` as a [`Node`], in document order.
    pub fn nodes_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Node<'s, 'a>> + 's {
        self.named(name).map(move |i| self.node(i))
    }

    /// Top-level statements as [`Node`]s.
    pub fn top(&self) -> impl Iterator<Item = Node<'_, 'a>> + '_ {
        self.roots.iter().map(move |i| self.node(*i))
    }

    /// The top-level `http` block, when there is one.
    pub fn http(&self) -> Option<Node<'_, 'a>> {
        self.top().find(|n| n.is("http") && n.is_block())
    }

    /// Every `server` block directly in `http`.
    pub fn http_servers(&self) -> impl Iterator<Item = Node<'_, 'a>> + '_ {
        self.http()
            .into_iter()
            .flat_map(|h| h.children().filter(|c| c.is("server") && c.is_block()))
    }

    /// `upstream NAME {}` in `http`, by name (case-insensitive).
    pub fn upstream(&self, name: &str) -> Option<Node<'_, 'a>> {
        let key = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(name.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(name)
        };
        self.upstreams.get(key.as_ref()).map(|&i| self.node(i))
    }

    /// One past the last statement under `i`: statements are in document order, so a
    /// block's statements are the indices between it and this.
    fn subtree_end(&self, i: usize) -> usize {
        let mut last = i;
        while let Some(&child) = self.children(Some(last)).last() {
            last = child;
        }
        last + 1
    }
}

/// A statement of a [`Tree`] with the tree around it, for rules that walk from a
/// statement to its block, siblings and inherited values by name rather than by index.
/// Text comes borrowed from the parsed files: reading a node allocates nothing.
#[derive(Clone, Copy, Debug)]
pub struct Node<'t, 'a> {
    tree: &'t Tree<'a>,
    id: usize,
}

impl<'t, 'a> Node<'t, 'a> {
    /// The statement.
    pub fn item(&self) -> Item<'a> {
        self.tree.item(self.id)
    }

    /// Its index in the tree.
    pub fn id(&self) -> usize {
        self.id
    }

    /// The tree it belongs to.
    pub fn tree(&self) -> &'t Tree<'a> {
        self.tree
    }

    /// The directive name (for `map` entries, the key).
    pub fn name(&self) -> &'a str {
        let item = self.item();
        utf8(item.file.bytes(&item.directive.name))
    }

    /// True when the directive is named `name`.
    pub fn is(&self, name: &str) -> bool {
        self.item().is(name)
    }

    /// Argument `i`, unquoted and unescaped (`""` when absent). These rules read ASCII
    /// syntax: text after a byte that is not UTF-8 is left out rather than copied.
    pub fn arg(&self, i: usize) -> &'a str {
        let item = self.item();
        item.arg_token(i).map_or("", |t| utf8(item.file.bytes(t)))
    }

    /// Every argument, as [`Node::arg`] reads them.
    pub fn args(&self) -> impl Iterator<Item = &'a str> + Clone {
        let item = self.item();
        item.directive
            .args
            .iter()
            .map(move |t| utf8(item.file.bytes(t)))
    }

    /// Number of arguments.
    pub fn arg_count(&self) -> usize {
        self.item().arg_count()
    }

    /// True when any argument equals `word` (ASCII case-insensitive).
    pub fn has_arg(&self, word: &str) -> bool {
        self.args().any(|a| a.eq_ignore_ascii_case(word))
    }

    /// The whole statement.
    pub fn span(&self) -> lint_source::Span {
        self.item().span()
    }

    /// The name.
    pub fn name_span(&self) -> lint_source::Span {
        self.item().name_span()
    }

    /// Argument `i`, or the name when there is no such argument.
    pub fn arg_span(&self, i: usize) -> lint_source::Span {
        self.item().arg_span(i)
    }

    /// From the name to the last argument: where findings about a block point.
    pub fn head(&self) -> lint_source::Span {
        match self.arg_count() {
            0 => self.name_span(),
            n => self.name_span().to(self.arg_span(n - 1)),
        }
    }

    /// True for a block.
    pub fn is_block(&self) -> bool {
        self.item().is_block()
    }

    /// The enclosing block.
    pub fn parent(&self) -> Option<Node<'t, 'a>> {
        self.tree.parent(self.id).map(|id| self.tree.node(id))
    }

    /// Enclosing blocks, nearest first.
    pub fn ancestors(&self) -> impl Iterator<Item = Node<'t, 'a>> + 't {
        let tree = self.tree;
        tree.ancestors(self.id).map(move |id| tree.node(id))
    }

    /// The statements of its block.
    pub fn children(&self) -> impl Iterator<Item = Node<'t, 'a>> + 't {
        let tree = self.tree;
        tree.children(Some(self.id))
            .iter()
            .map(move |id| tree.node(*id))
    }

    /// The first statement of its block named `name`.
    pub fn child(&self, name: &str) -> Option<Node<'t, 'a>> {
        match self.tree.wide.get(&Some(self.id)) {
            Some(by_name) => by_name.get(name).map(|n| self.tree.node(n.first as usize)),
            None => self.children().find(|c| c.is(name)),
        }
    }

    /// Every statement below it, in document order, not itself (no allocation).
    pub fn descendants(&self) -> impl Iterator<Item = Node<'t, 'a>> + 't {
        let tree = self.tree;
        (self.id + 1..tree.subtree_end(self.id)).map(move |id| tree.node(id))
    }

    /// The nearest enclosing block named `name`.
    pub fn enclosing(&self, name: &str) -> Option<Node<'t, 'a>> {
        self.ancestors().find(|a| a.is(name))
    }

    /// The value of an inherited directive here: the block's own statement (for a
    /// simple directive, its block's), else the nearest enclosing block's; `if` blocks
    /// are passed over, since what they set applies only inside them. Unlike
    /// [`Tree::inherited`], the top level of a file is not searched: these directives
    /// live in blocks.
    pub fn effective(&self, name: &str) -> Option<Node<'t, 'a>> {
        let start = if self.is_block() {
            Some(*self)
        } else {
            self.parent()
        };
        std::iter::successors(start, |p| p.parent())
            .filter(|b| !b.is("if"))
            .find_map(|b| b.child(name))
    }
}

/// Text of UTF-8 bytes, up to the first byte that is not (no allocation).
fn utf8(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// Every argument of a statement as owned text.
pub fn args(item: &Item<'_>) -> Vec<String> {
    item.args().map(|a| a.into_owned()).collect()
}

/// True when a `rewrite` answers the client with a redirect (its replacement becomes
/// `Location`, in the rewrite phase): the `redirect`/`permanent` flag, or a replacement
/// starting with `http://`, `https://` or `$scheme`. Otherwise (`last`, `break`, no flag)
/// the new URI stays inside nginx.
pub fn rewrite_redirects(item: &Item<'_>) -> bool {
    redirecting_rewrite(item.arg(1).as_deref(), item.arg(2).as_deref())
}

/// [`rewrite_redirects`] on a `rewrite`'s replacement and flag, for callers that read
/// statements through another tree type (the model's builder).
pub fn redirecting_rewrite(replacement: Option<&str>, flag: Option<&str>) -> bool {
    flag.is_some_and(|f| f.eq_ignore_ascii_case("permanent") || f.eq_ignore_ascii_case("redirect"))
        || replacement.is_some_and(|r| {
            r.starts_with("http://") || r.starts_with("https://") || r.starts_with("$scheme")
        })
}

/// The words between the parentheses of `if (...)`, parentheses removed whether they
/// are words of their own or glued to the first and last word.
pub fn if_words(item: &Item<'_>) -> Vec<String> {
    let mut words = args(item);
    if let Some(first) = words.first_mut() {
        if first == "(" {
            words.remove(0);
        } else if let Some(rest) = first.strip_prefix('(') {
            *first = rest.to_string();
        }
    }
    if let Some(last) = words.last_mut() {
        if last == ")" {
            words.pop();
        } else if let Some(rest) = last.strip_suffix(')') {
            *last = rest.to_string();
        }
    }
    words
}

/// The regex of an `if` condition (`$v ~ RE`) and whether it is case-sensitive and negated.
pub fn if_regex(item: &Item<'_>) -> Option<(String, bool, bool)> {
    match if_words(item).as_slice() {
        [_, op, re] => match op.as_str() {
            "~" => Some((re.clone(), true, false)),
            "~*" => Some((re.clone(), false, false)),
            "!~" => Some((re.clone(), true, true)),
            "!~*" => Some((re.clone(), false, true)),
            _ => None,
        },
        _ => None,
    }
}

/// A `location` statement's modifier (`""`, `=`, `^~`, `~`, `~*`, `@` for named) and path.
/// The path borrows the file's text (every rule that reads locations asks, for every
/// location of the tree: owned words were a tenth of the rules' allocations).
pub fn location_pattern<'a>(item: &Item<'a>) -> (&'static str, Cow<'a, str>) {
    const MODIFIERS: [&str; 4] = ["=", "^~", "~", "~*"];
    let Some(first) = item.arg(0) else {
        return ("", Cow::Borrowed(""));
    };
    if let Some(m) = MODIFIERS.iter().find(|m| **m == first) {
        if let Some(path) = item.arg(1) {
            return (m, path);
        }
    }
    // `location ~\.php$` and `location =/x` glue the modifier to the path.
    for m in ["~*", "^~", "~", "="] {
        if first.starts_with(m) {
            let rest = match first {
                Cow::Borrowed(b) => Cow::Borrowed(&b[m.len()..]),
                Cow::Owned(o) => Cow::Owned(o[m.len()..].to_string()),
            };
            return (m, rest);
        }
    }
    if first.starts_with('@') {
        return ("@", first);
    }
    ("", first)
}

/// Why a literal `location` (no modifier, `=`, `^~`) never matches a request, when it
/// cannot: request URIs begin with `/`, and the path is compared byte for byte, so a
/// regex written without `~` (`location ^/SOGo/(.*)$`, `location \.php$`) is dead.
pub fn literal_never_matches(modifier: &str, path: &str) -> Option<&'static str> {
    if !matches!(modifier, "" | "=" | "^~") || path.is_empty() {
        return None;
    }
    if !path.starts_with('/') {
        return Some("request URIs always begin with `/`");
    }
    let regex_syntax = path.contains("(.*)")
        || path.contains("\\.")
        || (path.ends_with('$') && path.contains(['(', '[', '*', '+', '?', '|', '\\']));
    regex_syntax.then_some("its regex syntax is compared literally, byte for byte")
}

/// True when `regex` is anchored at the start (`^`) and what follows the anchor cannot
/// begin with `/` (`^admin/`, `^__swift/files/`, `^(api|admin)/`, `^[a-z]{6}$`): it
/// never matches a normalised URI (`$uri`, a location's, `rewrite`'s), which always
/// begins with `/`. A pattern in multi-line mode (`(?m)`, where `^` also follows a
/// newline) or one this crate's regex reading does not parse is not judged.
///
/// ```
/// use lint_rules::model::syntax::anchored_without_slash;
/// assert!(anchored_without_slash("^__swift/files/"));
/// assert!(anchored_without_slash("^admin"));
/// assert!(anchored_without_slash("^(api|admin)/"));
/// assert!(anchored_without_slash("^([a-zA-Z0-9]{6}(@raw)?)$"));
/// assert!(!anchored_without_slash("^/admin"));
/// assert!(!anchored_without_slash("^(/admin|/wp)"));
/// assert!(!anchored_without_slash("admin$"));
/// assert!(!anchored_without_slash("^.*/admin"));
/// assert!(!anchored_without_slash("(?m)^admin"));
/// assert!(!anchored_without_slash(r"^\o{57}admin"));
/// assert!(!anchored_without_slash(r"^[\057]shop"));
/// ```
pub fn anchored_without_slash(regex: &str) -> bool {
    // Most anchored patterns begin `^/`: answered without a parse. An escape that names a
    // byte by its code (`\057`, `\o{57}`, `\x2f`, `\N{U+2F}`) may be the slash itself.
    if !regex.starts_with(['^', '(']) || regex.starts_with("^/") || multi_line(regex) {
        return false;
    }
    let coded = regex.match_indices('\\').any(|(at, _)| {
        regex[at + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, 'o' | 'x' | 'N' | 'c' | 'p' | 'P'))
    });
    if coded {
        return false;
    }
    super::regex_shape::parse(regex, false)
        .is_ok_and(|node| super::regex_shape::anchored_away_from_slash(&node))
}

/// Whether an inline flag group turns on multi-line mode (`(?m)`, `(?im:...)`).
fn multi_line(regex: &str) -> bool {
    regex.match_indices("(?").any(|(at, _)| {
        regex[at + 2..]
            .bytes()
            .take_while(|b| b.is_ascii_alphabetic() || *b == b'-')
            .any(|b| b == b'm')
    })
}

/// The regex of a regex `location` and whether it is case-sensitive.
pub fn location_regex(item: &Item<'_>) -> Option<(String, bool)> {
    let (modifier, path) = location_pattern(item);
    match modifier {
        "~" => Some((path.into_owned(), true)),
        "~*" => Some((path.into_owned(), false)),
        _ => None,
    }
}

/// The regexes of a `server_name` statement (`~re`, `~*re` is not nginx syntax but
/// some write it) with case sensitivity; nginx's server_name regexes are case-insensitive.
pub fn server_name_regexes(item: &Item<'_>) -> Vec<String> {
    // Only the regexes are copied: a `server_name` of 400 000 names made SEC044 hold a
    // copy of every name at the run's peak.
    item.args()
        .filter_map(|a| a.strip_prefix('~').map(str::to_string))
        .collect()
}

/// `map` blocks' regex keys (`~re`, `~*re`), with their entry statement and case sensitivity.
pub fn map_regexes<'t>(
    tree: &'t Tree<'_>,
    map: usize,
) -> impl Iterator<Item = (usize, String, bool)> + 't {
    tree.children(Some(map)).iter().filter_map(move |e| {
        let key = tree.item(*e).name().into_owned();
        if let Some(re) = key.strip_prefix("~*") {
            Some((*e, re.to_string(), false))
        } else {
            key.strip_prefix('~').map(|re| (*e, re.to_string(), true))
        }
    })
}

/// Whether a `rewrite` pattern matches every URI (`^`, `.*`, `^/(.*)$` and their kin).
pub fn matches_every_uri(pattern: &str) -> bool {
    matches!(
        pattern,
        "^" | "^/" | ".*" | "^.*" | "^.*$" | "(.*)" | "^(.*)" | "^(.*)$" | "^/(.*)" | "^/(.*)$"
    )
}

/// The directives that hand a request to an upstream server: each sets the location's
/// content handler.
pub const UPSTREAM_PASSES: &[&str] = &[
    "proxy_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
    "memcached_pass",
];

/// True for a location reachable only by internal redirects (`@name`, or `internal;`).
pub fn is_internal_location(tree: &Tree<'_>, location: usize) -> bool {
    let (modifier, _) = location_pattern(&tree.item(location));
    modifier == "@"
        || tree
            .children(Some(location))
            .iter()
            .any(|c| tree.item(*c).is("internal"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_source::SourceMap;

    /// `text` loaded as an nginx.conf (from a scratch directory, gone when loaded).
    fn load(text: &str) -> Config {
        load_beside(text, &[], &SourceMap::new())
    }

    /// `text` loaded as an nginx.conf with `others` (name, text) beside it.
    fn load_beside(text: &str, others: &[(&str, &str)], map: &SourceMap) -> Config {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("nginx.conf");
        std::fs::write(&main, text).expect("write");
        for (name, other) in others {
            std::fs::write(dir.path().join(name), other).expect("write");
        }
        nginx_conf_parser::load(&main, &Default::default(), map)
    }

    /// A location written once and spliced into two servers is two statements at one
    /// span, both found, in document order; a location written once, one.
    #[test]
    fn locations_at_finds_every_statement_written_at_a_span() {
        let config = load_beside(
            "events {}\nhttp {\n server { listen 80; include loc.conf; }\n server { listen 81; include loc.conf; location /own { } }\n}\n",
            &[("loc.conf", "location /shared { }\n")],
            &SourceMap::new(),
        );
        let tree = Tree::of(&config);
        let locations: Vec<usize> = tree.named("location").collect();
        assert_eq!(locations.len(), 3);
        let shared = tree.item(locations[0]).span();
        assert_eq!(
            tree.locations_at(shared).collect::<Vec<_>>(),
            [locations[0], locations[1]]
        );
        let own = tree.item(locations[2]).span();
        assert_eq!(tree.locations_at(own).collect::<Vec<_>>(), [locations[2]]);
        let server = tree.item(tree.server_blocks()[0]).span();
        assert_eq!(tree.locations_at(server).count(), 0);
    }

    /// A block's children of one name, in order, whether the block is looked up by name
    /// (more than `WIDE` children) or scanned.
    #[test]
    fn children_named_lists_a_wide_and_a_narrow_block_alike() {
        let servers: String = (0..WIDE + 8)
            .map(|i| format!(" server {{ listen {}; }}\n add_header X-{i} v;\n", 8000 + i))
            .collect();
        let config = load(&format!(
            "events {{}}\nhttp {{\n{servers} add_header_inherit merge;\n}}\nhttp {{ add_header A a; add_header B b; }}\n"
        ));
        let tree = Tree::of(&config);
        let https: Vec<usize> = tree.named("http").collect();
        let [wide, narrow] = https[..] else {
            panic!("two http blocks: {https:?}")
        };
        assert!(tree.children(Some(wide)).len() > WIDE);
        let names = |level: usize, name: &str| -> Vec<String> {
            tree.children_named(Some(level), name)
                .map(|c| tree.node(c).arg(0).to_string())
                .collect()
        };
        let expected: Vec<String> = (0..WIDE + 8).map(|i| format!("X-{i}")).collect();
        assert_eq!(names(wide, "add_header"), expected);
        assert_eq!(names(wide, "add_header_inherit"), ["merge"]);
        assert!(names(wide, "proxy_set_header").is_empty());
        assert_eq!(names(narrow, "add_header"), ["A", "B"]);
        assert!(names(narrow, "add_header_inherit").is_empty());
        assert_eq!(tree.children_named(None, "http").count(), 2);
    }

    #[test]
    fn a_server_block_and_the_statements_outside_the_servers_split_the_tree() {
        let config = load(
            "events {}\nhttp {\n gzip on;\n server { listen 80; location / { return 200; } }\n map $a $b { default 1; }\n server { listen 81; }\n}\nstream { server { listen 82; } }\n",
        );
        let tree = Tree::of(&config);
        let servers = tree.server_blocks();
        assert_eq!(servers.len(), 2, "stream's server is not one of http");
        let names = |nodes: &Nodes| -> Vec<String> {
            nodes
                .indices()
                .map(|i| tree.item(i).name().into_owned())
                .collect()
        };
        assert_eq!(
            names(&Nodes::block(&tree, servers[0])),
            ["server", "listen", "location", "return"]
        );
        assert_eq!(
            names(&Nodes::outside(&tree, &servers)),
            ["events", "http", "gzip", "map", "default", "stream", "server", "listen"]
        );
        // The parts cover the tree once.
        let mut all: Vec<usize> = Nodes::outside(&tree, &servers).indices().collect();
        for s in &servers {
            all.extend(Nodes::block(&tree, *s).indices());
        }
        all.sort_unstable();
        assert_eq!(all, (0..tree.len()).collect::<Vec<_>>());
        // A part's walk sees the blocks around it, as the whole walk does.
        let mut seen = Vec::new();
        tree.walk_nodes(&Nodes::block(&tree, servers[0]), |item, blocks| {
            if item.is("return") {
                seen = blocks.iter().map(|b| b.name().into_owned()).collect();
            }
        });
        assert_eq!(seen, ["http", "server", "location"]);
    }

    #[test]
    fn children_ancestors_and_inheritance() {
        let config = load(
            "http {\n satisfy any;\n server {\n  location /a/ { allow 1.1.1.1; if ($x) { set $y 1; } }\n  location ~* ^/b(.*)$ { deny all; }\n }\n}\n",
        );
        let tree = Tree::of(&config);
        let names = |ids: &[usize]| -> Vec<String> {
            ids.iter()
                .map(|i| tree.item(*i).name().into_owned())
                .collect()
        };
        let server = tree.named("server").next().expect("server");
        assert_eq!(names(tree.children(Some(server))), ["location", "location"]);
        let set = tree.named("set").next().expect("set");
        let up: Vec<usize> = tree.ancestors(set).collect();
        assert_eq!(names(&up), ["if", "location", "server", "http"]);
        assert_eq!(tree.enclosing(set, "location"), Some(up[1]));
        let satisfy = tree.inherited(Some(up[0]), "satisfy").expect("inherited");
        assert_eq!(tree.item(satisfy).arg(0).as_deref(), Some("any"));
        assert_eq!(tree.inherited(Some(up[0]), "root"), None);
        let b = tree.children(Some(server))[1];
        assert_eq!(
            location_regex(&tree.item(b)),
            Some(("^/b(.*)$".to_string(), false))
        );
        assert_eq!(if_words(&tree.item(up[0])), ["$x"]);
        assert_eq!(names(tree.children(None)), ["http"]);
        assert_eq!(tree.descendants(Some(up[1])).len(), 3);
    }

    #[test]
    fn nodes_walk_blocks_and_inherited_values() {
        let map = SourceMap::new();
        let config = load_beside(
            "http {\n resolver 127.0.0.1;\n upstream App { server a:1; }\n server {\n  include inc.conf;\n  location / { if ($x) { resolver 10.0.0.1; proxy_pass \"http://b c\"; } }\n }\n server { }\n}\n",
            &[("inc.conf", "ssl_stapling on;\n")],
            &map,
        );
        let tree = Tree::of(&config);
        assert_eq!(tree.http_servers().count(), 2);
        let upstream = tree.upstream("app").expect("upstream, any case");
        assert_eq!(upstream.child("server").map(|s| s.arg(0)), Some("a:1"));
        let server = tree.http_servers().next().expect("server");
        // The included statement is the server's own.
        assert_eq!(server.child("ssl_stapling").map(|s| s.arg(0)), Some("on"));
        let names: Vec<&str> = server.descendants().map(|d| d.name()).collect();
        assert_eq!(
            names,
            ["ssl_stapling", "location", "if", "resolver", "proxy_pass"]
        );
        let pass = tree.nodes_named("proxy_pass").next().expect("proxy_pass");
        assert_eq!(pass.arg(0), "http://b c");
        assert_eq!(pass.arg(1), "");
        // The `if`'s own resolver applies inside it only: the inherited one is http's.
        let resolver = pass.effective("resolver").expect("resolver");
        assert_eq!(resolver.arg(0), "127.0.0.1");
        assert_eq!(pass.enclosing("location").map(|l| l.arg(0)), Some("/"));
        let last = tree.http_servers().nth(1).expect("second server");
        assert_eq!(last.descendants().count(), 0);
        assert_eq!(tree.top().map(|t| t.name()).collect::<Vec<_>>(), ["http"]);
    }
}
