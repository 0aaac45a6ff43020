//! The nginx syntax tree ([`crate::model::Model::trees`]) indexed once per rule: every
//! statement in document order with its parent and each block's children, for rules
//! that look around a statement (siblings after it, the enclosing `if` and
//! `location`, the nearest level that sets an inherited directive), plus the
//! readings of `if`, `location`, `server_name` and `map` several rules share.
//! Included files are spliced into the block that includes them (see
//! [`super::tree_walk`]), so a statement three files down has its real ancestors; a
//! snippet linted on its own starts at whatever level it is written.

use nginx_conf_parser::{Config, Item};

/// One tree's statements with their parents and children.
#[derive(Debug)]
pub struct Tree<'a> {
    items: Vec<Item<'a>>,
    parents: Vec<Option<usize>>,
    /// Children of every node, node after node (two allocations per tree, not one per block).
    children: Vec<usize>,
    /// Where each node's children start in `children` (one more entry than nodes).
    starts: Vec<usize>,
    /// Top-level statements.
    roots: Vec<usize>,
}

impl<'a> Tree<'a> {
    /// Indexes a configuration (`include` statements left out: the files they name
    /// stand in their place).
    pub fn of(config: &'a Config) -> Self {
        let mut items = Vec::new();
        let mut parents = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        super::tree_walk::walk(config, |item, blocks| {
            // `blocks` is the chain of enclosing blocks: the open nodes are its indices.
            open.truncate(blocks.len());
            parents.push(open.last().copied());
            items.push(*item);
            if item.is_block() {
                open.push(items.len() - 1);
            }
        });
        let mut counts = vec![0usize; items.len() + 1];
        let mut roots = Vec::new();
        for (i, parent) in parents.iter().enumerate() {
            match parent {
                Some(p) => counts[p + 1] += 1,
                None => roots.push(i),
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let starts = counts.clone();
        let mut children = vec![0usize; starts.last().copied().unwrap_or(0)];
        for (i, parent) in parents.iter().enumerate() {
            if let Some(p) = parent {
                let slot = &mut counts[*p];
                children[*slot] = i;
                *slot += 1;
            }
        }
        Tree {
            items,
            parents,
            children,
            starts,
            roots,
        }
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
    pub fn item(&self, i: usize) -> &Item<'a> {
        &self.items[i]
    }

    /// The enclosing block statement of `i`.
    pub fn parent(&self, i: usize) -> Option<usize> {
        self.parents[i]
    }

    /// Children of `i` (the top-level statements for `None`).
    pub fn children(&self, i: Option<usize>) -> &[usize] {
        match i {
            Some(i) => &self.children[self.starts[i]..self.starts[i + 1]],
            None => &self.roots,
        }
    }

    /// Enclosing block statements of `i`, innermost first.
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.parent(i), move |p| self.parent(*p))
    }

    /// The nearest enclosing statement named `name`.
    pub fn enclosing(&self, i: usize, name: &str) -> Option<usize> {
        self.ancestors(i).find(|a| self.item(*a).is(name))
    }

    /// Indices of every statement named `name`.
    pub fn named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = usize> + 's {
        (0..self.len()).filter(move |i| self.item(*i).is(name))
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
            if let Some(found) = self
                .children(level)
                .iter()
                .rev()
                .find(|c| self.item(**c).is(name) && self.item(**c).arg_count() > 0)
            {
                return Some(*found);
            }
            level = self.parent(level?);
        }
    }
}

/// Every argument of a statement as owned text.
pub fn args(item: &Item<'_>) -> Vec<String> {
    item.args().map(|a| a.into_owned()).collect()
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
pub fn location_pattern(item: &Item<'_>) -> (String, String) {
    let words = args(item);
    match words.as_slice() {
        [m, p, ..] if matches!(m.as_str(), "=" | "^~" | "~" | "~*") => (m.clone(), p.clone()),
        [p, ..] => {
            // `location ~\.php$` and `location =/x` glue the modifier to the path.
            for m in ["~*", "^~", "~", "="] {
                if let Some(rest) = p.strip_prefix(m) {
                    return (m.to_string(), rest.to_string());
                }
            }
            if p.starts_with('@') {
                return ("@".to_string(), p.clone());
            }
            (String::new(), p.clone())
        }
        [] => (String::new(), String::new()),
    }
}

/// The regex of a regex `location` and whether it is case-sensitive.
pub fn location_regex(item: &Item<'_>) -> Option<(String, bool)> {
    let (modifier, path) = location_pattern(item);
    match modifier.as_str() {
        "~" => Some((path, true)),
        "~*" => Some((path, false)),
        _ => None,
    }
}

/// The regexes of a `server_name` statement (`~re`, `~*re` is not nginx syntax but
/// some write it) with case sensitivity; nginx's server_name regexes are case-insensitive.
pub fn server_name_regexes(item: &Item<'_>) -> Vec<String> {
    args(item)
        .into_iter()
        .filter_map(|a| a.strip_prefix('~').map(|r| r.to_string()))
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

/// True for a location reachable only by internal redirects (`@name`, or `internal;`).
pub fn is_internal_location(tree: &Tree<'_>, location: usize) -> bool {
    let (modifier, _) = location_pattern(tree.item(location));
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

    #[test]
    fn children_ancestors_and_inheritance() {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("nginx.conf");
        std::fs::write(
            &main,
            "http {\n satisfy any;\n server {\n  location /a/ { allow 1.1.1.1; if ($x) { set $y 1; } }\n  location ~* ^/b(.*)$ { deny all; }\n }\n}\n",
        )
        .expect("write");
        let map = SourceMap::new();
        let config = nginx_conf_parser::load(&main, &Default::default(), &map);
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
            location_regex(tree.item(b)),
            Some(("^/b(.*)$".to_string(), false))
        );
        assert_eq!(if_words(tree.item(up[0])), ["$x"]);
        assert_eq!(names(tree.children(None)), ["http"]);
        assert_eq!(tree.descendants(Some(up[1])).len(), 3);
    }
}
