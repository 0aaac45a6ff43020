//! Per-server results kept between runs of an incremental linter (an editor session):
//! the model of each `server` of http (see `model::nginx::build_keeping`) and the
//! findings of every [`Check::Server`] and [`Check::Nodes`] rule about it, reused while
//! that server's statements and everything outside the servers stay the same.
//!
//! An editor's change touches one server of hundreds. A server's statements are those
//! of its own file from its offset and of the files spliced into it; a file whose bytes
//! change gets a new id (the parse cache keeps an unchanged file's id), so equal ids
//! mean equal statements. What lies outside the servers (http-level settings, upstreams,
//! `map`s, the pools, php.ini, the options, the probed filesystem and accounts, and the
//! values `set` gives variables in any server) is one fingerprint: when it changes,
//! nothing is reused.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Mutex;

use foldhash::HashMap;
use lint_source::{Diagnostic, FileId, FileKind, SourceMap, Span};

use crate::engine::LintInput;
use crate::model::syntax::{Nodes, Tree};
use crate::model::{Model, NginxModel, Server};
use crate::rule::{Check, Rule, Sink};

/// Contexts kept at once: a repository lints several deployments per run, each with
/// its own options and files.
const CONTEXTS: usize = 16;

/// The findings of [`Check::Server`] rules and the model of each server, by server,
/// kept between runs.
#[derive(Default)]
pub struct ServerMemo {
    state: Mutex<Vec<(u64, Servers)>>,
    checked: std::sync::atomic::AtomicUsize,
    /// Server models by the tree around them (see [`crate::model::nginx::build_keeping`]).
    built: Mutex<Vec<(u64, Built)>>,
    models_built: std::sync::atomic::AtomicUsize,
}

/// One tree's server models, by the file and offset of their `server` statement.
type Built = HashMap<(FileId, u32), BuiltServer>;

/// The model of one `server` block as a run built it.
pub(crate) struct BuiltServer {
    /// The files spliced into the block, in walk order.
    pub(crate) spliced: Vec<FileId>,
    /// The files of the `upstream` lines its passes reach (their spans are in the model).
    pub(crate) upstream_files: Vec<FileId>,
    /// The values its `set`s and `map`s give variables (they depend on its statements only).
    pub(crate) values: crate::model::nginx::Values,
    /// The model (it also depends on the values of variables: their fingerprint).
    pub(crate) server: std::sync::Arc<Server>,
    /// Whether the block has a `resolver`.
    pub(crate) resolver: bool,
    /// The fingerprint of the tree's variable values the model was built under.
    pub(crate) values_key: u64,
}

impl std::fmt::Debug for ServerMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerMemo")
            .field("servers_checked", &self.servers_checked())
            .finish_non_exhaustive()
    }
}

/// One context's servers, by the file and offset of their `server` statement.
type Servers = HashMap<(FileId, u32), Kept>;

/// A server's key: the file and offset of its `server` statement, and the files spliced
/// into it.
type Key = ((FileId, u32), Vec<FileId>);

/// A server of the run: its tree's model, its model, its block in its syntax tree, its key.
type ServerAt<'m, 'a> = (
    &'m NginxModel,
    &'m Server,
    Option<(&'m Tree<'a>, usize)>,
    Option<Key>,
);

/// What the per-server rules found in one server.
struct Kept {
    /// The files spliced into the server, in walk order.
    spliced: Vec<FileId>,
    /// The per-server rules' findings, by the rule's position in the run's rules (the
    /// same in every run of a context: the options are part of it); rules that found
    /// nothing are left out, as most find nothing in most servers.
    found: Vec<(usize, Vec<Diagnostic>)>,
}

impl ServerMemo {
    /// How many servers the per-server rules checked (not reused) so far: what tests count.
    pub fn servers_checked(&self) -> usize {
        self.checked.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many server models were built (not reused) so far: what tests count.
    pub fn servers_built(&self) -> usize {
        self.models_built.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The server models kept for the tree around them (a run building the same tree at
    /// the same time gets none).
    pub(crate) fn take_built(&self, around: u64) -> Built {
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        match built.iter().position(|(a, _)| *a == around) {
            Some(i) => built.remove(i).1,
            None => HashMap::default(),
        }
    }

    /// Keeps this run's server models for the next run, in place of the tree's older ones.
    pub(crate) fn keep_built(&self, around: u64, servers: Built, fresh: usize) {
        self.models_built
            .fetch_add(fresh, std::sync::atomic::Ordering::Relaxed);
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        built.retain(|(a, _)| *a != around);
        if built.len() >= CONTEXTS {
            built.remove(0);
        }
        built.push((around, servers));
    }
}

/// The fingerprint of everything a per-server rule may read outside the servers, or
/// `None` when this run cannot key its servers (a tree that spent half its splice
/// budget: a walk that ran out may have left a server's statements out).
pub(crate) fn context(
    input: &LintInput,
    model: &Model<'_>,
    map: &SourceMap,
    since: lint_source::Mark,
    syntax: &[Tree<'_>],
) -> Option<u64> {
    if model
        .trees
        .iter()
        .any(|t| t.expansions().saturating_mul(2) >= t.expansion_budget())
    {
        return None;
    }
    let mut h = foldhash::quality::FixedState::default().build_hasher();
    // Every nginx file with a statement outside the servers of http, and every php-fpm
    // file and php.ini: their ids (an unchanged file keeps its id).
    // The text of `upstream` and `map` blocks rather than their files' ids, as the model
    // does (`nginx::build_keeping`): kept findings that point into a file read again
    // are not reused (`points_into_read_files`).
    let mut outside: Vec<FileId> = Vec::new();
    let mut listed = String::new();
    for tree in syntax {
        for i in Nodes::outside(tree, &tree.server_blocks()).indices() {
            let item = tree.item(i);
            let list = |n: &usize| tree.item(*n).is("upstream") || tree.item(*n).is("map");
            if list(&i) || tree.ancestors(i).any(|a| list(&a)) {
                crate::model::nginx::list_text(&item, &mut listed);
            } else {
                outside.push(item.span().file);
            }
        }
    }
    listed.hash(&mut h);
    for id in map.read_since(since) {
        if matches!(map.get(id).kind, FileKind::Fpm | FileKind::PhpIni) {
            outside.push(id);
        }
    }
    outside.sort_unstable();
    outside.dedup();
    outside.hash(&mut h);
    syntax.len().hash(&mut h);
    // The options as the rules see them: the file systems and caches are how files were
    // read (their ids say what was read), not what the rules read.
    let mut options = input.options.clone();
    options.nginx_fs = None;
    options.fpm_fs = None;
    options.nginx_cache = None;
    options.fpm_cache = None;
    options.server_memo = None;
    format!("{options:?}").hash(&mut h);
    format!("{:?} {:?} {:?}", input.nginx, input.fpm, input.php_ini).hash(&mut h);
    for nginx in &model.nginx {
        nginx.fingerprint(&mut h);
    }
    model.filesystem.fingerprint(&mut h);
    model.accounts.fingerprint(&mut h);
    Some(h.finish())
}

/// Runs every [`Check::Server`] and [`Check::Nodes`] rule of `rules` on every server of
/// `model`, reusing the findings of servers `memo` kept under the same `context`, and
/// the [`Check::Nodes`] rules on the statements outside the servers.
pub(crate) fn run_server_rules(
    memo: &ServerMemo,
    context: u64,
    model: &Model<'_>,
    rules: &[&Rule],
    (map, since): (&SourceMap, lint_source::Mark),
) -> Vec<(&'static str, Vec<Diagnostic>)> {
    use rayon::prelude::*;
    let mut kept: Servers = {
        let mut state = memo.state.lock().unwrap_or_else(|e| e.into_inner());
        match state.iter().position(|(c, _)| *c == context) {
            Some(i) => state.remove(i).1,
            None => HashMap::default(),
        }
    };
    let splices: Vec<nginx_conf_parser::config::SpliceIndex<'_>> = model
        .trees
        .iter()
        .map(nginx_conf_parser::config::SpliceIndex::of)
        .collect();
    // Each tree's `server` blocks of http by their span: where a server's statements are.
    let blocks: Vec<HashMap<Span, usize>> = model
        .syntax
        .iter()
        .map(|tree| {
            tree.server_blocks()
                .into_iter()
                .map(|b| (tree.item(b).span(), b))
                .collect()
        })
        .collect();
    // Servers of every tree with their statements (the tree and the block) and their key
    // (None: not keyed, checked every run).
    let servers: Vec<ServerAt<'_, '_>> = model
        .nginx
        .iter()
        .zip(&splices)
        .enumerate()
        .flat_map(|(t, (nginx, splices))| {
            let tree = model.syntax.get(t);
            let blocks = blocks.get(t);
            nginx.servers.iter().map(move |server| {
                let server: &Server = server;
                let Span { file, start, .. } = server.span;
                let key = splices.spliced(server.span).map(|s| ((file, start), s));
                let block = tree.zip(blocks.and_then(|b| b.get(&server.span).copied()));
                (nginx, server, block, key)
            })
        })
        .collect();
    // The statements outside the servers' blocks: checked on every run (the blocks of
    // servers without a model, if any, among them).
    let mut outside: Vec<(usize, Vec<Diagnostic>)> = Vec::new();
    for tree in model.syntax {
        let mut inside: Vec<usize> = servers
            .iter()
            .filter_map(|(_, _, block, _)| block.filter(|(bt, _)| std::ptr::eq(*bt, tree)))
            .map(|(_, b)| b)
            .collect();
        inside.sort_unstable();
        let nodes = Nodes::outside(tree, &inside);
        for (r, rule) in rules.iter().enumerate() {
            if let Check::Nodes(check) = rule.check {
                let mut sink = Sink::new();
                check(model, tree, &nodes, &mut sink);
                outside.push((r, sink.into_diagnostics()));
            }
        }
    }
    let read: foldhash::HashSet<FileId> = map.read_since(since).into_iter().collect();
    let reused: Vec<Option<Kept>> = servers
        .iter()
        .map(|(_, _, _, key)| {
            let (at, spliced) = key.as_ref()?;
            kept.remove(at)
                .filter(|k| k.spliced == *spliced && points_into_read_files(k, &read))
        })
        .collect();
    let fresh: usize = reused.iter().filter(|r| r.is_none()).count();
    memo.checked
        .fetch_add(fresh, std::sync::atomic::Ordering::Relaxed);
    let results: Vec<(Option<(FileId, u32)>, Kept)> = servers
        .into_par_iter()
        .zip(reused)
        .map(|((nginx, server, block, key), reused)| {
            let (at, spliced) = match key {
                Some((at, spliced)) => (Some(at), spliced),
                None => (None, Vec::new()),
            };
            let kept = reused.unwrap_or_else(|| Kept {
                spliced,
                found: check_server(model, nginx, server, block, rules),
            });
            (at, kept)
        })
        .collect();
    let mut by_rule: Vec<Vec<Diagnostic>> = vec![Vec::new(); rules.len()];
    for (r, found) in outside {
        by_rule[r].extend(found);
    }
    let mut next: Servers = HashMap::default();
    for (at, server) in results {
        for (r, found) in &server.found {
            if let Some(all) = by_rule.get_mut(*r) {
                all.extend(found.iter().cloned());
            }
        }
        if let Some(at) = at {
            next.insert(at, server);
        }
    }
    let mut state = memo.state.lock().unwrap_or_else(|e| e.into_inner());
    state.retain(|(c, _)| *c != context);
    if state.len() >= CONTEXTS {
        state.remove(0);
    }
    state.push((context, next));
    rules
        .iter()
        .zip(by_rule)
        .filter(|(r, _)| matches!(r.check, Check::Server(_) | Check::Nodes(_)))
        .map(|(r, found)| (r.meta.code, found))
        .collect()
}

/// True when every place the kept findings point to is in a file this run read (a file
/// read again has a new id: findings pointing into its old version are stale, though
/// what they say may be the same).
fn points_into_read_files(kept: &Kept, read: &foldhash::HashSet<FileId>) -> bool {
    kept.found.iter().flat_map(|(_, found)| found).all(|d| {
        d.primary
            .iter()
            .chain(&d.related)
            .all(|l| read.contains(&l.span.file))
            && d.fix
                .iter()
                .flat_map(|f| &f.edits)
                .all(|e| read.contains(&e.span.file))
    })
}

/// Every per-server rule's findings about one server: [`Check::Server`] rules on its
/// model, [`Check::Nodes`] rules on its block's statements; by rule position, those
/// that found something.
fn check_server(
    model: &Model<'_>,
    nginx: &NginxModel,
    server: &Server,
    block: Option<(&Tree<'_>, usize)>,
    rules: &[&Rule],
) -> Vec<(usize, Vec<Diagnostic>)> {
    rules
        .iter()
        .enumerate()
        .filter_map(|(r, rule)| {
            let mut sink = Sink::new();
            match (rule.check, block) {
                (Check::Server(check), _) => check(model, nginx, server, &mut sink),
                (Check::Nodes(check), Some((tree, b))) => {
                    check(model, tree, &Nodes::block(tree, b), &mut sink)
                }
                (Check::Nodes(_), None) | (Check::Model(_), _) => return None,
            }
            let found = sink.into_diagnostics();
            (!found.is_empty()).then_some((r, found))
        })
        .collect()
}
