//! Directives nginx inherits as a whole list (`add_header`, `add_trailer`,
//! `proxy_set_header`, `grpc_set_header`): a level with any of its own does not
//! inherit the outer level's at all. Found here: every level whose own list drops
//! entries of the list it would otherwise inherit, through includes and nested
//! `location`/`if` blocks. `add_header_inherit`/`add_trailer_inherit` (nginx 1.29.3)
//! are honoured: `merge` keeps the outer entries, `off` drops them on purpose.

use std::rc::Rc;

use nginx_conf_parser::Item;

use crate::model::syntax::{Nodes, Tree};
use crate::model::Model;

/// One level that drops inherited entries.
pub struct Dropping<'c> {
    /// Which of the fields asked about (0 or 1).
    pub family: usize,
    /// The level's first own entry.
    pub first_own: Item<'c>,
    /// The entries in effect at the outer level that are not set again here.
    pub dropped: Vec<Item<'c>>,
    /// The block of the level (`None` at the top of a file tree).
    pub level: Option<Item<'c>>,
}

impl<'c> Dropping<'c> {
    /// Whether a statement named `name` is in the level's block or a block within it
    /// (`proxy_pass` for `proxy_set_header`: without it the list goes nowhere).
    pub fn level_contains(&self, name: &str) -> bool {
        let Some(level) = self.level else {
            return true;
        };
        let mut stack = vec![level.children()];
        while let Some(top) = stack.last_mut() {
            let Some(item) = top.next() else {
                stack.pop();
                continue;
            };
            if item.is(name) {
                return true;
            }
            if item.is_block() {
                stack.push(item.children());
            }
        }
        false
    }
}

impl Dropping<'_> {
    /// The names (first arguments) of the dropped entries, as written.
    pub fn names(&self) -> Vec<String> {
        self.dropped
            .iter()
            .map(|d| d.arg(0).unwrap_or_default().into_owned())
            .collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    On,
    Merge,
    Off,
}

/// What a level hands down for one field: the entries in effect and the mode.
#[derive(Clone)]
struct Inherited<'c> {
    effective: Option<Rc<Vec<Item<'c>>>>,
    mode: Mode,
}

/// Blocks that are levels of these lists.
fn is_level(item: &Item<'_>) -> bool {
    ["http", "server", "location", "if", "limit_except"]
        .iter()
        .any(|n| item.is(n))
}

/// The entry's name (the header), compared case-insensitively.
fn same_name(a: &Item<'_>, b: &Item<'_>) -> bool {
    match (a.arg(0), b.arg(0)) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(&y),
        _ => false,
    }
}

/// The two fields asked about, each with the directive that changes its inheritance.
type Fields<'f> = [(&'f str, Option<&'f str>); 2];

/// Every level of `nodes` (a part of `tree`) where an own list of one of two fields drops
/// inherited entries. Each field comes with the directive that changes its inheritance
/// (`add_header_inherit`), if any. What a level inherits comes from the levels around
/// it, inside the part or not: one `server` block is checked with its `http` level's
/// lists, so the findings of a part are those of the whole tree in that part.
pub fn dropping<'c>(tree: &Tree<'c>, nodes: &Nodes, fields: Fields<'_>) -> Vec<Dropping<'c>> {
    let mut out = Vec::new();
    // What the blocks around the statement at hand hand down, outermost first (`None`:
    // the top of the tree); a block that is not a level, or lies in one that is not,
    // hands down nothing (`None`). Only the open blocks are kept: a map of every level
    // held 4.6 MiB per rule on a 5 000-site tree, at the run's peak.
    let mut open: Vec<Opened<'c>> = Vec::new();
    // Only a level with entries of its own can drop outer ones (see `level`): the levels
    // holding a statement of either field, in document order, are the ones to judge, not
    // every statement of the tree (250 000 at 1 000 sites). What they inherit is read
    // from the levels around them as before: a level's answer depends on it and the
    // levels around it, not on which others were visited.
    let mut levels: Vec<usize> = fields
        .iter()
        .flat_map(|(field, _)| nodes.named(tree, field))
        .filter_map(|i| tree.parent(i))
        .filter(|&b| nodes.contains(b))
        .collect();
    levels.sort_unstable();
    levels.dedup();
    for i in levels {
        let item = tree.item(i);
        if !item.is_block() || !is_level(&item) {
            continue;
        }
        // Statements come in document order: a block whose end is passed is closed.
        while open
            .last()
            .is_some_and(|(b, _)| b.is_some_and(|b| tree.end_of(b) <= i))
        {
            open.pop();
        }
        let Some(outer) = handed_to(tree, tree.parent(i), fields, &mut open) else {
            open.push((Some(i), None));
            continue;
        };
        let here = level(tree, Some(i), &outer, fields, Some(&mut out));
        open.push((Some(i), Some(here)));
    }
    out
}

/// What a level hands down for each of the two fields.
type Handed<'c> = [Inherited<'c>; 2];

/// An open block and what it hands down.
type Opened<'c> = (Option<usize>, Option<Handed<'c>>);

/// What the level `block` (an enclosing block of the statement at hand, or `None`)
/// hands down (`None` when it is not a level or lies in a block that is not one), from
/// the levels around it. `open` holds the open blocks outermost first; the ones between
/// the innermost known and `block` are added. Iterative: a deeply nested tree must not
/// overflow the stack.
fn handed_to<'c>(
    tree: &Tree<'c>,
    block: Option<usize>,
    fields: Fields<'_>,
    open: &mut Vec<Opened<'c>>,
) -> Option<Handed<'c>> {
    let known = |open: &[Opened<'c>], at: Option<usize>| open.iter().rposition(|(b, _)| *b == at);
    // The blocks from `block` outwards up to the first one already known.
    let mut chain: Vec<Option<usize>> = Vec::new();
    let mut at = block;
    while known(open, at).is_none() {
        chain.push(at);
        match at {
            Some(b) => at = tree.parent(b),
            None => break,
        }
    }
    // What lies past the known block is not around `block`.
    if let Some(k) = known(open, at) {
        open.truncate(k + 1);
    }
    for level_at in chain.into_iter().rev() {
        let outer = match level_at {
            None => Some(top()),
            Some(b) if tree.item(b).is_block() && is_level(&tree.item(b)) => {
                open.last().and_then(|(_, handed)| handed.clone())
            }
            Some(_) => None,
        };
        let here = outer.map(|outer| level(tree, level_at, &outer, fields, None));
        open.push((level_at, here));
    }
    open.last()
        .filter(|(b, _)| *b == block)
        .and_then(|(_, handed)| handed.clone())
}

/// What the top of a tree inherits: nothing, in the default mode.
fn top<'c>() -> Handed<'c> {
    let top = Inherited {
        effective: None,
        mode: Mode::On,
    };
    [top.clone(), top]
}

/// Blocks with at most this many statements are read in one pass for the names a level
/// asks about; larger ones are looked up by name ([`Tree::children_named`]). Either way
/// gives the same statements in the same order.
const NARROW: usize = 32;

/// What the level `block` (`None`: the top of the tree) hands down given what `outer`
/// hands to it; with `report`, the level's drops are added to it.
fn level<'c>(
    tree: &Tree<'c>,
    block: Option<usize>,
    outer: &Handed<'c>,
    fields: Fields<'_>,
    mut report: Option<&mut Vec<Dropping<'c>>>,
) -> Handed<'c> {
    let mut own: [Vec<Item<'c>>; 2] = [Vec::new(), Vec::new()];
    let mut modes: [Option<Mode>; 2] = [None, None];
    let mode_of = |item: &Item<'_>, was: Option<Mode>| match item
        .arg(0)
        .map(|a| a.to_ascii_lowercase())
        .as_deref()
    {
        Some("on") => Some(Mode::On),
        Some("merge") => Some(Mode::Merge),
        Some("off") => Some(Mode::Off),
        _ => was,
    };
    let children = tree.children(block);
    if children.len() <= NARROW {
        // A small block (every location, most servers): its statements read once for
        // the four names, not scanned once per name (SEC010 and SEC013 ask it of every
        // level of every server).
        for &c in children {
            let item = tree.item(c);
            for (f, (field, inherit)) in fields.iter().enumerate() {
                if item.is(field) && item.arg_count() >= 1 {
                    own[f].push(item);
                }
                if inherit.is_some_and(|i| item.is(i)) {
                    modes[f] = mode_of(&item, modes[f]);
                }
            }
        }
    } else {
        // By name, not by a scan of the block: `http` holds every server of a big tree,
        // and each server block checked on its own asks what `http` hands down.
        for (f, (field, inherit)) in fields.iter().enumerate() {
            own[f] = tree
                .children_named(block, field)
                .map(|c| tree.item(c))
                .filter(|item| item.arg_count() >= 1)
                .collect();
            for c in inherit.iter().flat_map(|i| tree.children_named(block, i)) {
                modes[f] = mode_of(&tree.item(c), modes[f]);
            }
        }
    }
    // The top of a tree inherits nothing (a snippet's own list is not a drop).
    let nested = block.is_some();
    let mut here: Handed<'c> = outer.clone();
    for f in 0..2 {
        let outer = &outer[f];
        let mode = modes[f].unwrap_or(outer.mode);
        let own = std::mem::take(&mut own[f]);
        let inherited = outer.effective.as_ref().filter(|_| nested);
        if mode == Mode::On && !own.is_empty() {
            if let (Some(outer), Some(out)) = (inherited, report.as_deref_mut()) {
                let dropped: Vec<Item<'c>> = outer
                    .iter()
                    .filter(|o| !own.iter().any(|m| same_name(m, o)))
                    .copied()
                    .collect();
                if !dropped.is_empty() {
                    out.push(Dropping {
                        family: f,
                        first_own: own[0],
                        dropped,
                        level: block.map(|b| tree.item(b)),
                    });
                }
            }
        }
        here[f].mode = mode;
        here[f].effective = match (mode, inherited) {
            _ if own.is_empty() && mode != Mode::Off => inherited.cloned(),
            (Mode::Merge, Some(outer)) => {
                let mut all = (**outer).clone();
                all.extend(own);
                Some(Rc::new(all))
            }
            _ => (!own.is_empty()).then(|| Rc::new(own)),
        };
    }
    here
}

/// What SEC010 and SEC013 report in a part of a tree: the levels where an own
/// list of one of `fields` drops outer entries that `counts` (SEC013 passes over entries
/// that restate nginx's defaults) and that the rule's option `headers = [...]` (gixy's
/// name; comma-separated words allowed, case-insensitive) names when it is set. Levels
/// left with nothing dropped are not returned.
pub fn dropped_for_rule<'a>(
    model: &Model<'_>,
    tree: &Tree<'a>,
    nodes: &Nodes,
    code: &str,
    fields: Fields<'_>,
    counts: impl Fn(&Item<'_>) -> bool,
) -> Vec<Dropping<'a>> {
    let only: Option<Vec<String>> = model
        .options
        .rule_words(code, "headers")
        .map(|w| {
            w.iter()
                .flat_map(|h| h.split(','))
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect()
        })
        .filter(|w: &Vec<String>| !w.is_empty());
    let named = |d: &Item<'_>| {
        only.as_ref().is_none_or(|o| {
            d.arg(0)
                .is_some_and(|n| o.contains(&n.to_ascii_lowercase()))
        })
    };
    let mut out = dropping(tree, nodes, fields);
    out.retain_mut(|level| {
        level.dropped.retain(|d| counts(d) && named(d));
        !level.dropped.is_empty()
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_source::SourceMap;

    fn dropped(conf: &str, field: &str, inherit: Option<&str>) -> Vec<Vec<String>> {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("nginx.conf");
        std::fs::write(&main, conf).expect("write");
        std::fs::write(dir.path().join("h.conf"), "add_header X-C c;\n").expect("write");
        let map = SourceMap::new();
        let config = nginx_conf_parser::load(&main, &Default::default(), &map);
        let tree = Tree::of(&config);
        dropping(
            &tree,
            &Nodes::all(&tree),
            [(field, inherit), ("none", None)],
        )
        .into_iter()
        .map(|d| {
            d.dropped
                .iter()
                .map(|i| i.arg(0).unwrap_or_default().into_owned())
                .collect()
        })
        .collect()
    }

    #[test]
    fn an_own_list_drops_the_outer_one_through_includes_and_levels() {
        let conf = "http { add_header X-A a; server { include h.conf; location / { location /x { add_header X-A a2; } } } }";
        assert_eq!(
            dropped(conf, "add_header", Some("add_header_inherit")),
            [vec!["X-A".to_string()], vec!["X-C".to_string()]]
        );
    }

    #[test]
    fn merge_and_off_keep_quiet_and_are_inherited() {
        let conf = "http { add_header X-A a; server { add_header_inherit merge; add_header X-B b; location / { add_header X-C c; } } }";
        assert!(dropped(conf, "add_header", Some("add_header_inherit")).is_empty());
        let conf =
            "http { add_header X-A a; server { add_header_inherit off; add_header X-B b; } }";
        assert!(dropped(conf, "add_header", Some("add_header_inherit")).is_empty());
        let conf =
            "http { add_header X-A a; server { add_header x-a b; if ($x) { add_header X-B b; } } }";
        assert_eq!(
            dropped(conf, "add_header", Some("add_header_inherit")),
            [vec!["x-a".to_string()]]
        );
    }

    #[test]
    fn a_server_block_is_checked_with_the_lists_around_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("nginx.conf");
        let conf = "add_header X-T t;\nhttp { add_header X-A a;\n server { add_header X-B b; location / { add_header X-C c; } }\n server { location / { add_header X-D d; } }\n types { add_header X-E e; }\n location /top { add_header X-F f; } }";
        std::fs::write(&main, conf).expect("write");
        let map = SourceMap::new();
        let config = nginx_conf_parser::load(&main, &Default::default(), &map);
        let tree = Tree::of(&config);
        let fields = [("add_header", Some("add_header_inherit")), ("none", None)];
        let names = |found: Vec<Dropping<'_>>| -> Vec<(String, Vec<String>)> {
            found
                .iter()
                .map(|d| {
                    (
                        d.first_own.arg(0).unwrap_or_default().into_owned(),
                        d.names(),
                    )
                })
                .collect()
        };
        let whole = names(dropping(&tree, &Nodes::all(&tree), fields));
        let servers = tree.server_blocks();
        let mut parts: Vec<(String, Vec<String>)> = Vec::new();
        for &b in &servers {
            parts.extend(names(dropping(&tree, &Nodes::block(&tree, b), fields)));
        }
        parts.extend(names(dropping(
            &tree,
            &Nodes::outside(&tree, &servers),
            fields,
        )));
        let expected: Vec<(String, Vec<String>)> = [
            ("X-A", vec!["X-T"]),
            ("X-B", vec!["X-A"]),
            ("X-C", vec!["X-B"]),
            ("X-D", vec!["X-A"]),
            ("X-F", vec!["X-A"]),
        ]
        .into_iter()
        .map(|(own, dropped)| {
            (
                own.to_string(),
                dropped.into_iter().map(String::from).collect(),
            )
        })
        .collect();
        assert_eq!(whole, expected);
        // Parts in another order: the outside statements come last.
        let mut sorted = parts.clone();
        sorted.sort();
        assert_eq!(sorted, expected);
        assert_eq!(servers.len(), 2);
    }
}
