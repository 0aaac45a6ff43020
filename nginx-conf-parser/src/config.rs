//! A loaded configuration: every parsed file plus the include graph, and a
//! view that splices included files into the includer's context.

use std::borrow::Cow;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use lint_source::{Diagnostic, FileId, Span};

use crate::ast::{Directive, ParsedFile, Token};

/// A configuration tree as nginx would see it: the root file and everything
/// it includes, each file parsed once.
#[derive(Debug, Default)]
pub struct Config {
    /// The file nginx starts from (`nginx.conf`), or the snippet being linted.
    pub root: Option<FileId>,
    /// Every parsed file by id.
    pub files: foldhash::HashMap<FileId, Arc<ParsedFile>>,
    /// Syntax, include and I/O diagnostics found while loading.
    pub diagnostics: Vec<Diagnostic>,
    /// The files each `include` statement resolved to, in nginx's order, by the
    /// statement's span (the same for every context its file is included from). Kept
    /// beside the trees so that a tree stays as parsed and can serve several runs.
    pub includes: foldhash::HashMap<Span, Vec<FileId>>,
    /// Of a pasted `nginx -T` that is cut off: its last file from the start of the
    /// outermost block still open at the cut (or the cut line) to the end. What a rule
    /// finds missing there may stand after the cut.
    pub cut_off: Option<Span>,
    /// Files spliced into a block by every walk so far (see [`Config::expansions`]).
    expansions: AtomicUsize,
}

/// Splices a run may make per loaded file and per `include` statement before walks
/// stop following includes: a real tree splices each file once per statement that
/// includes it (a snippet included by every site: once per site) and is walked a
/// handful of times, far below this.
const EXPANSIONS_PER_FILE: usize = 256;
/// The floor of the splice budget (small trees with many include statements).
const MIN_EXPANSIONS: usize = 1 << 16;

impl Config {
    /// The files `directive` (an `include` of `file`) resolved to; empty for any other
    /// statement, and for an include that matched nothing.
    #[inline]
    pub fn included(&self, file: &ParsedFile, directive: &Directive) -> &[FileId] {
        // Every walk asks this of every statement: the length test turns most away
        // before the name's bytes are read.
        let name = &directive.name;
        let plain = name.quote == crate::ast::Quote::None && !name.escaped;
        if (plain && name.span.len() != b"include".len())
            || directive.args.len() != 1
            || directive.block.is_some()
            || self.includes.is_empty()
        {
            return &[];
        }
        self.included_slow(file, directive)
    }

    fn included_slow(&self, file: &ParsedFile, directive: &Directive) -> &[FileId] {
        if file.bytes(&directive.name) != b"include" {
            return &[];
        }
        self.includes
            .get(&directive.span)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// A parsed file by id.
    pub fn file(&self, id: FileId) -> Option<&ParsedFile> {
        self.files.get(&id).map(|f| f.as_ref())
    }

    /// The patterns of every `include` of the loaded files, resolved or not, sorted
    /// and without repeats (`/etc/nginx/http.d/*.conf`): where the tree looks for files.
    pub fn include_patterns(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .files
            .values()
            .flat_map(|f| crate::load::collect_includes(f))
            .map(|site| site.pattern)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// How many times walks have spliced an included file into a block so far. A file
    /// is spliced at most once per block, so one full walk splices at most (files ×
    /// blocks that include) times; tests use this to prove include graphs cost no more.
    pub fn expansions(&self) -> usize {
        self.expansions.load(Ordering::Relaxed)
    }

    /// The most splices all walks together may make; past it includes are no longer
    /// followed (a pathological graph of nested includes, see [`Config::budget_exhausted`]).
    /// It grows with the files and with the `include` statements: one file of 5 000
    /// servers that each include `fastcgi.conf` twice splices 10 000 times per walk
    /// (a budget of files alone stopped such a tree at the third walk), while a nested
    /// graph that splices exponentially many times still ends, after work linear in
    /// what was read.
    pub fn expansion_budget(&self) -> usize {
        self.files
            .len()
            .saturating_add(self.includes.len())
            .saturating_mul(EXPANSIONS_PER_FILE)
            .max(MIN_EXPANSIONS)
    }

    /// True when a walk stopped following includes because the budget was spent.
    pub fn budget_exhausted(&self) -> bool {
        self.expansions() > self.expansion_budget()
    }

    /// The top-level statements of the root file, includes spliced in.
    pub fn items(&self) -> Items<'_> {
        match self.root.and_then(|id| self.file(id)) {
            Some(file) => Items::new(self, file, &file.directives),
            None => Items::empty(self),
        }
    }

    /// The top-level statements of any loaded file, includes spliced in
    /// (for linting a snippet in the context it is included from).
    pub fn items_of(&self, id: FileId) -> Items<'_> {
        match self.file(id) {
            Some(file) => Items::new(self, file, &file.directives),
            None => Items::empty(self),
        }
    }
}

/// A statement seen through the include graph: the directive and the file it is written in.
#[derive(Clone, Copy, Debug)]
pub struct Item<'a> {
    /// The configuration, for walking into children.
    pub config: &'a Config,
    /// The file the statement is written in.
    pub file: &'a ParsedFile,
    /// The statement.
    pub directive: &'a Directive,
}

impl<'a> Item<'a> {
    /// The directive name.
    pub fn name(&self) -> Cow<'a, str> {
        self.file.str(&self.directive.name)
    }

    /// True when the name is exactly `name` (no allocation).
    #[inline]
    pub fn is(&self, name: &str) -> bool {
        // The rules ask every statement of a tree several of these (tens of millions of
        // calls on 5 000 sites): most are answered by the prints alone.
        let print = self.directive.name_print;
        if print != 0 && print != crate::ast::name_print(name.as_bytes()) {
            return false;
        }
        self.file.bytes(&self.directive.name) == name.as_bytes()
    }

    /// Number of arguments.
    pub fn arg_count(&self) -> usize {
        self.directive.args.len()
    }

    /// Argument `i` as text.
    pub fn arg(&self, i: usize) -> Option<Cow<'a, str>> {
        self.directive.args.get(i).map(|t| self.file.str(t))
    }

    /// Argument token `i` (for its span and quoting).
    pub fn arg_token(&self, i: usize) -> Option<&'a Token> {
        self.directive.args.get(i)
    }

    /// Every argument as text.
    pub fn args(&self) -> impl Iterator<Item = Cow<'a, str>> + 'a {
        let file = self.file;
        self.directive.args.iter().map(move |t| file.str(t))
    }

    /// Span of the whole statement.
    pub fn span(&self) -> Span {
        self.directive.span
    }

    /// Span from the name to the `;` or the block's `{`: where nginx reports a statement's errors.
    pub fn head_span(&self) -> Span {
        match &self.directive.block {
            Some(block) => Span {
                file: self.directive.span.file,
                start: self.directive.span.start,
                end: (block.span.start + 1).min(block.span.end),
            },
            None => self.directive.span,
        }
    }

    /// Span of the name.
    pub fn name_span(&self) -> Span {
        self.directive.name.span
    }

    /// Span of argument `i`, or of the name when there is no such argument.
    pub fn arg_span(&self, i: usize) -> Span {
        self.directive
            .args
            .get(i)
            .map(|t| t.span)
            .unwrap_or(self.directive.name.span)
    }

    /// Span of all arguments (the name when there are none).
    pub fn args_span(&self) -> Span {
        match (self.directive.args.first(), self.directive.args.last()) {
            (Some(first), Some(last)) => first.span.to(last.span),
            _ => self.directive.name.span,
        }
    }

    /// True for `name ... { }`.
    pub fn is_block(&self) -> bool {
        self.directive.block.is_some()
    }

    /// The statements of the block, includes spliced in (empty for simple directives).
    pub fn children(&self) -> Items<'a> {
        match &self.directive.block {
            Some(block) => Items::new(self.config, self.file, &block.directives),
            None => Items::empty(self.config),
        }
    }
}

/// Depth-first iterator over a block's statements. An `include` statement is
/// yielded itself and then followed by the statements of the files it names.
///
/// Work is bounded three ways: the loader never records an include edge that
/// closes a cycle; a file is spliced at most once into one block (files that
/// include each other through a glob would otherwise be walked once per include
/// path, exponentially many); and all walks of a [`Config`] share a budget of
/// splices ([`Config::expansion_budget`]) for nested-block graphs the second
/// rule cannot flatten.
pub struct Items<'a> {
    config: &'a Config,
    /// The block's own statements. Kept out of `stack` so that walking a block without
    /// includes allocates nothing (rules walk whole trees, block by block).
    base: Option<(&'a ParsedFile, std::slice::Iter<'a, Directive>)>,
    /// Included files being spliced in, innermost on top (read before `base` resumes).
    stack: Vec<(&'a ParsedFile, std::slice::Iter<'a, Directive>)>,
    /// The first file spliced into this block (most blocks splice one: no set needed).
    first_spliced: Option<FileId>,
    /// Files already spliced into this block besides the first.
    spliced: foldhash::HashSet<FileId>,
}

impl<'a> Items<'a> {
    fn new(config: &'a Config, file: &'a ParsedFile, directives: &'a [Directive]) -> Self {
        Items {
            config,
            base: Some((file, directives.iter())),
            stack: Vec::new(),
            first_spliced: None,
            spliced: Default::default(),
        }
    }

    fn empty(config: &'a Config) -> Self {
        Items {
            config,
            base: None,
            stack: Vec::new(),
            first_spliced: None,
            spliced: Default::default(),
        }
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        loop {
            let spliced = !self.stack.is_empty();
            let (file, iter) = match self.stack.last_mut() {
                Some(top) => top,
                None => self.base.as_mut()?,
            };
            let file: &'a ParsedFile = file;
            let Some(directive) = iter.next() else {
                if spliced {
                    self.stack.pop();
                } else {
                    self.base = None;
                }
                continue;
            };
            // Included files are spliced after the include statement, last file on top
            // of the stack so that the first one is read first.
            // Splice order must be kept: decide which targets are taken in file order,
            // then push them reversed.
            let includes = self.config.included(file, directive);
            if !includes.is_empty() {
                let budget = self.config.expansion_budget();
                let mut taken: Vec<&'a ParsedFile> = Vec::with_capacity(if includes.len() > 1 {
                    includes.len()
                } else {
                    0
                });
                let mut single: Option<&'a ParsedFile> = None;
                for id in includes {
                    let Some(included) = self.config.file(*id) else {
                        continue;
                    };
                    match self.first_spliced {
                        None => self.first_spliced = Some(*id),
                        Some(first) if first == *id => continue,
                        Some(_) => {
                            if !self.spliced.insert(*id) {
                                continue;
                            }
                        }
                    }
                    if self.config.expansions.fetch_add(1, Ordering::Relaxed) >= budget {
                        // Park the counter just past the budget so it cannot wrap.
                        self.config.expansions.store(budget + 1, Ordering::Relaxed);
                        continue;
                    }
                    // One target (the usual `include fastcgi.conf;`) needs no list.
                    if includes.len() == 1 {
                        single = Some(included);
                    } else {
                        taken.push(included);
                    }
                }
                for included in single.into_iter().chain(taken.into_iter().rev()) {
                    self.stack.push((included, included.directives.iter()));
                }
            }
            return Some(Item {
                config: self.config,
                file,
                directive,
            });
        }
    }
}

/// The files spliced into blocks of one tree: what an incremental run keys a block's
/// results on. A file that changes gets a new id (see [`crate::ParseCache`]), so a block
/// whose own file and spliced files kept their ids holds the same statements.
///
/// ```
/// use std::sync::Arc;
/// use lint_source::SourceMap;
/// use lint_source::vfs::MemoryFs;
/// use nginx_conf_parser::{load, LoadOptions};
/// use nginx_conf_parser::config::SpliceIndex;
///
/// let fs = MemoryFs::new()
///     .with_file("/etc/nginx/nginx.conf", "http { server { include /etc/nginx/php.conf; } }\n")
///     .with_file("/etc/nginx/php.conf", "location / {}\n");
/// let opts = LoadOptions { fs: Some(Arc::new(fs)), ..Default::default() };
/// let map = SourceMap::new();
/// let config = load("/etc/nginx/nginx.conf".as_ref(), &opts, &map);
/// let server = config.items().next().unwrap().children().next().unwrap();
/// let spliced = SpliceIndex::of(&config).spliced(server.span()).unwrap();
/// assert_eq!(spliced.len(), 1);
/// assert_eq!(map.get(spliced[0]).path, std::path::Path::new("/etc/nginx/php.conf"));
/// ```
#[derive(Debug, Default)]
pub struct SpliceIndex<'a> {
    /// Each file's resolved `include` statements: their offset and the files they name,
    /// sorted by offset.
    by_file: foldhash::HashMap<FileId, Vec<(u32, &'a [FileId])>>,
}

/// More files spliced into one block than are worth a key: such a block is not reused.
const MAX_SPLICED: usize = 64;

impl<'a> SpliceIndex<'a> {
    /// Indexes the resolved includes of `config`.
    pub fn of(config: &'a Config) -> Self {
        let mut by_file: foldhash::HashMap<FileId, Vec<(u32, &'a [FileId])>> =
            foldhash::HashMap::default();
        for (at, files) in &config.includes {
            by_file
                .entry(at.file)
                .or_default()
                .push((at.start, files.as_slice()));
        }
        for includes in by_file.values_mut() {
            includes.sort_unstable_by_key(|(start, _)| *start);
        }
        SpliceIndex { by_file }
    }

    /// The files spliced into the block at `span`, directly or through the files it
    /// includes, each once, in walk order; `None` past `MAX_SPLICED` (64) files.
    pub fn spliced(&self, span: Span) -> Option<Vec<FileId>> {
        let mut spliced: Vec<FileId> = Vec::new();
        let own = self.by_file.get(&span.file).map_or(&[][..], Vec::as_slice);
        let mut pending: Vec<FileId> = own
            .iter()
            .filter(|(start, _)| *start > span.start && *start < span.end)
            .flat_map(|(_, files)| files.iter().copied())
            .collect();
        pending.reverse();
        while let Some(file) = pending.pop() {
            if spliced.contains(&file) {
                continue;
            }
            spliced.push(file);
            if let Some(nested) = self.by_file.get(&file) {
                for (_, files) in nested.iter().rev() {
                    pending.extend(files.iter().rev().copied());
                }
            }
            if spliced.len() > MAX_SPLICED {
                return None;
            }
        }
        Some(spliced)
    }
}
