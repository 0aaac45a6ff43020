//! Walking the statements security rules read ([`super::statements`]) by index,
//! with each block's children listed once, plus the readings of `if`, `location`,
//! `server_name` and `map` several rules share. Included files are spliced into
//! the block that includes them, so a statement three files down has its real
//! ancestors; a snippet linted on its own starts at whatever level it is written.

use super::statements::{Statement, Statements};

/// The kept statements of one tree with each block's children listed.
#[derive(Debug)]
pub struct Tree<'a> {
    statements: &'a Statements,
    /// Children of each node, in order.
    children: Vec<Vec<usize>>,
    /// Top-level statements.
    roots: Vec<usize>,
}

impl<'a> Tree<'a> {
    /// Lists the children of every block.
    pub fn of(statements: &'a Statements) -> Self {
        let all = statements.all();
        let mut children = vec![Vec::new(); all.len()];
        let mut roots = Vec::new();
        for (i, s) in all.iter().enumerate() {
            match s.parent {
                Some(p) => children[p as usize].push(i),
                None => roots.push(i),
            }
        }
        Tree {
            statements,
            children,
            roots,
        }
    }

    /// Number of statements.
    pub fn len(&self) -> usize {
        self.statements.all().len()
    }

    /// True when the tree has no statement.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The statement at `i`.
    pub fn item(&self, i: usize) -> &'a Statement {
        &self.statements.all()[i]
    }

    /// The enclosing block statement of `i`.
    pub fn parent(&self, i: usize) -> Option<usize> {
        self.item(i).parent.map(|p| p as usize)
    }

    /// Children of `i` (the top-level statements for `None`).
    pub fn children(&self, i: Option<usize>) -> &[usize] {
        match i {
            Some(i) => &self.children[i],
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
            stack.extend(self.children[n].iter().rev());
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
                .find(|c| self.item(**c).is(name) && !self.item(**c).args.is_empty())
            {
                return Some(*found);
            }
            level = self.parent(level?);
        }
    }
}

/// Every argument of a statement as owned text.
pub fn args(item: &Statement) -> Vec<String> {
    item.args.iter().map(|a| a.to_string()).collect()
}

/// The words between the parentheses of `if (...)`, parentheses removed whether they
/// are words of their own or glued to the first and last word.
pub fn if_words(item: &Statement) -> Vec<String> {
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
pub fn if_regex(item: &Statement) -> Option<(String, bool, bool)> {
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
pub fn location_pattern(item: &Statement) -> (String, String) {
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
pub fn location_regex(item: &Statement) -> Option<(String, bool)> {
    let (modifier, path) = location_pattern(item);
    match modifier.as_str() {
        "~" => Some((path, true)),
        "~*" => Some((path, false)),
        _ => None,
    }
}

/// The regexes of a `server_name` statement (`~re`, `~*re` is not nginx syntax but
/// some write it) with case sensitivity; nginx's server_name regexes are case-insensitive.
pub fn server_name_regexes(item: &Statement) -> Vec<String> {
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
        let key = tree.item(*e).name.to_string();
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

/// Span of all arguments (the name when there are none).
pub fn args_span(item: &Statement) -> lint_source::Span {
    match (item.arg_spans.first(), item.arg_spans.last()) {
        (Some((first, _)), Some((last, _))) => first.to(*last),
        _ => item.name_span,
    }
}
