//! What a Dockerfile's `RUN` does to configuration files with `sed -i` and `echo ... >>`,
//! so that the files are read as the image has them. richarvey/nginx-php-fpm turns the
//! stock pool's `listen = 127.0.0.1:9000` into a socket with
//! `sed -i -e "s/listen = 127.0.0.1:9000/listen = \/var\/run\/php-fpm.sock/g"`; the
//! linuxserver.io images `echo 'fastcgi_param SCRIPT_FILENAME ...' >> fastcgi_params`.
//! Read without those edits, nginx "connects to a socket no pool listens on" and "sends
//! no SCRIPT_FILENAME", both false.
//!
//! Only what can be done exactly is modelled: `s` commands of sed (basic or extended
//! regular expressions, flags `g` and `I`), `echo`/`printf` appending to or writing a
//! file (`>>`, `>`, `| tee [-a]`). Any other edit of a file (an address, `d`, `a\`, a
//! format with `%s`) leaves it "changed at build time, not verified", as before.

use std::path::{Path, PathBuf};

/// One modelled change of one file, in build order.
#[derive(Clone, Debug)]
pub struct FileEdit {
    /// The file (absolute, in the image).
    pub path: PathBuf,
    /// 1-based line of the `RUN`.
    pub line: usize,
    /// What it does.
    pub op: Op,
}

/// A change of a file's text.
#[derive(Clone, Debug)]
pub enum Op {
    /// `sed -i 's/.../.../'`: applied to every line.
    Substitute(Substitution),
    /// `echo TEXT >> FILE`.
    Append(String),
    /// `echo TEXT > FILE`.
    Write(String),
    /// `cp SRC FILE`: the file becomes SRC as the image has it (koillection's production
    /// image copies its nginx.conf from the application tree it COPYed).
    CopyFrom(PathBuf),
}

/// A sed `s` command.
#[derive(Clone, Debug)]
pub struct Substitution {
    regex: pcre2::bytes::Regex,
    replacement: Vec<Piece>,
    global: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(Vec<u8>),
    Group(usize),
}

/// What one `RUN` does to files: the modelled edits, and the files it changes in ways
/// that are not modelled.
#[derive(Debug, Default)]
pub struct RunEdits {
    /// Modelled edits, in order.
    pub edits: Vec<FileEdit>,
    /// Files edited in a way not modelled (a sed address, a `%s` format).
    pub unmodelled: Vec<PathBuf>,
    /// Whether every `sed`, `echo` and `printf` of the `RUN` was understood: when not, the
    /// caller falls back to marking every configuration path the line names.
    pub complete: bool,
}

/// The edits of one `RUN` (its shell text as written), with the stage's `ENV` and `ARG`
/// values (`vars`) expanded where the shell expands them: outside single quotes, and only
/// names the stage sets (`'$document_root'` is nginx's, in single quotes).
pub fn parse_run(
    run: &str,
    vars: &std::collections::BTreeMap<String, String>,
    workdir: &Path,
    line: usize,
) -> RunEdits {
    let mut out = RunEdits {
        complete: true,
        ..RunEdits::default()
    };
    let run = expand_known(run, vars);
    // What the shell expands and the stage does not set (`$(nproc)`, a backquote, a
    // runtime `$PORT`) is not known: the files this RUN edits are "changed at build time".
    let commands = split_commands(&run);
    // Forms the tokenizer does not follow (a subshell, a brace group, sudo, a heredoc).
    if commands.iter().any(|(words, _, _)| {
        words
            .first()
            .is_some_and(|w| w.starts_with('(') || w.starts_with('{') || w == "sudo" || w == "doas")
            || words.iter().any(|w| w.starts_with("<<"))
    }) {
        out.complete = false;
        return out;
    }
    let absolute = |p: &str| lint_source::vfs::normalize(&workdir.join(p));
    // `cp`, `mv` and `rsync` of one file: DEST, or DEST/name when DEST ends with `/`.
    let one_file_copy = |src: &str, dest: &str, line: usize| {
        let src = absolute(src);
        let dest = if dest.ends_with('/') {
            absolute(dest).join(src.file_name().unwrap_or_default())
        } else {
            absolute(dest)
        };
        FileEdit {
            path: dest,
            line,
            op: Op::CopyFrom(src),
        }
    };
    // Copies by a command the stage does not name (`$RSYNC_COPY SRC DEST`, a base image's
    // ENV): kept past the drain of this command's edits, its destination said changed.
    let mut guessed_copies: Vec<FileEdit> = Vec::new();
    for (i, (words, _, dynamic)) in commands.iter().enumerate() {
        let Some(program) = words.first() else {
            continue;
        };
        // What the shell expands in this command and the stage does not set (`$(nproc)`,
        // a backquote, a runtime `$PORT`) is not known: the files it edits are "changed at
        // build time". Only this command's: a `$(lsb_release -sc)` in an `echo` before it
        // says nothing of a `sed` after it (Baikal's image, triage 17a).
        let before = out.edits.len();
        let program = program.rsplit('/').next().unwrap_or(program);
        match program {
            "sed" => match sed(&words[1..]) {
                Some(Sed::InPlace { script, files }) => {
                    let files: Vec<PathBuf> = files.iter().map(|f| absolute(f)).collect();
                    match script {
                        Some(subs) => {
                            for f in &files {
                                for s in &subs {
                                    out.edits.push(FileEdit {
                                        path: f.clone(),
                                        line,
                                        op: Op::Substitute(s.clone()),
                                    });
                                }
                            }
                        }
                        None => out.unmodelled.extend(files),
                    }
                }
                Some(Sed::ToStdout) => {}
                None => out.complete = false,
            },
            "cp" => {
                // `cp [-f|-p|-a|--preserve...] SRC DEST` of one file; directories
                // (`-r`, `-R`, `-a`), several sources and globs are not followed.
                let flags: Vec<&String> =
                    words[1..].iter().filter(|w| w.starts_with('-')).collect();
                let paths: Vec<&String> =
                    words[1..].iter().filter(|w| !w.starts_with('-')).collect();
                let recursive = flags.iter().any(|f| {
                    !f.starts_with("--") && (f.contains('r') || f.contains('R') || f.contains('a'))
                        || f.as_str() == "--recursive"
                        || f.as_str() == "--archive"
                });
                if let [src, dest] = paths.as_slice() {
                    if !recursive
                        && !lint_source::vfs::has_glob(src)
                        && !lint_source::vfs::has_glob(dest)
                    {
                        out.edits.push(one_file_copy(src, dest, line));
                    }
                }
            }
            "mv" => {
                // `mv [-f|-n|-v] SRC DEST` of one file (chrispage1/alpine-nginx-php-fpm moves
                // the stock zz-docker.conf aside and its own in): DEST becomes SRC. A source
                // named like a directory (`/etc/php83`, `php-fpm.d`) and globs are not
                // followed; what stays at SRC is left as it was.
                let paths: Vec<&String> =
                    words[1..].iter().filter(|w| !w.starts_with('-')).collect();
                let plain_flags = words[1..]
                    .iter()
                    .filter(|w| w.starts_with('-'))
                    .all(|w| w.bytes().skip(1).all(|b| b"fnvi".contains(&b)));
                if let [src, dest] = paths.as_slice() {
                    let file_like = Path::new(src.as_str())
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .is_some_and(|n| n.contains('.') && !n.ends_with(".d"));
                    if plain_flags
                        && file_like
                        && !src.ends_with('/')
                        && !lint_source::vfs::has_glob(src)
                        && !lint_source::vfs::has_glob(dest)
                    {
                        out.edits.push(one_file_copy(src, dest, line));
                    }
                }
            }
            "rsync" => {
                // `rsync [-a|-av|--chmod=...] SRC DEST` of one file (unb-libraries'
                // images install their pool so): `-a` recurses into a directory only, so a
                // source named like a file (`app.conf`, no trailing slash) is one file.
                // Options with a separate argument (`-e ssh`), remote paths, several
                // sources and globs are not followed.
                let paths: Vec<&String> =
                    words[1..].iter().filter(|w| !w.starts_with('-')).collect();
                let plain_flags = words[1..]
                    .iter()
                    .filter(|w| w.starts_with('-') && !w.starts_with("--"))
                    .all(|w| w.bytes().skip(1).all(|b| b"aAvrlptgoDHXzcqPu".contains(&b)));
                if let [src, dest] = paths.as_slice() {
                    let file_like = Path::new(src.as_str())
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().contains('.'));
                    if plain_flags
                        && file_like
                        && !src.ends_with('/')
                        && !src.contains(':')
                        && !dest.contains(':')
                        && !lint_source::vfs::has_glob(src)
                        && !lint_source::vfs::has_glob(dest)
                    {
                        out.edits.push(one_file_copy(src, dest, line));
                    }
                }
            }
            // `$RSYNC_COPY /build/conf/php/app-php-fpm.conf /etc/php7/php-fpm.d/zz_app.conf`
            // (unb-libraries' images: the command is an ENV of the base image): a
            // command that takes a file of the image and a configuration path is most
            // likely a copy. Read as one, and its destination said changed at build time,
            // which makes what is found in it a note.
            _ if program.starts_with('$')
                && words[1..]
                    .iter()
                    .all(|w| !w.contains('$') && !w.contains('`')) =>
            {
                let paths: Vec<&String> =
                    words[1..].iter().filter(|w| !w.starts_with('-')).collect();
                if let [src, dest] = paths.as_slice() {
                    let file_like = Path::new(src.as_str())
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().contains('.'));
                    if src.starts_with('/')
                        && dest.starts_with('/')
                        && file_like
                        && !src.ends_with('/')
                        && !lint_source::vfs::has_glob(src)
                        && !lint_source::vfs::has_glob(dest)
                    {
                        let copy = one_file_copy(src, dest, line);
                        out.unmodelled.push(copy.path.clone());
                        guessed_copies.push(copy);
                    }
                }
            }
            "echo" | "printf" => {
                let Some((text, redirect)) = echo(program, &words[1..]) else {
                    out.complete = false;
                    continue;
                };
                // `echo X | tee -a FILE`.
                let redirect = redirect.or_else(|| {
                    let (next, _, _) = commands.get(i + 1)?;
                    let (tee, rest) = next.split_first()?;
                    if tee.rsplit('/').next() != Some("tee") || commands[i].1 != "|" {
                        return None;
                    }
                    let append = rest.iter().any(|w| w == "-a" || w == "--append");
                    let file = rest.iter().find(|w| !w.starts_with('-'))?;
                    Some((append, file.clone()))
                });
                // Unredirected, the text is printed (or piped into another command).
                if let Some((append, file)) = redirect {
                    out.edits.push(FileEdit {
                        path: absolute(&file),
                        line,
                        op: if append {
                            Op::Append(text)
                        } else {
                            Op::Write(text)
                        },
                    });
                }
            }
            _ => {}
        }
        if *dynamic {
            let moved: Vec<PathBuf> = out.edits.drain(before..).map(|e| e.path).collect();
            out.unmodelled.extend(moved);
        }
    }
    out.edits.extend(guessed_copies);
    // An edit of a glob (`/etc/php/*/fpm/pool.d/www.conf`) is not modelled: its files are
    // said to be changed instead.
    let (kept, unknown): (Vec<FileEdit>, Vec<FileEdit>) = out
        .edits
        .into_iter()
        .partition(|e| !lint_source::vfs::has_glob(&e.path.to_string_lossy()));
    out.edits = kept;
    out.unmodelled.extend(unknown.into_iter().map(|e| e.path));
    out
}

/// `$NAME` and `${NAME}` of the names in `vars`, outside single quotes; anything else
/// stays as written.
pub(crate) fn expand_known(
    text: &str,
    vars: &std::collections::BTreeMap<String, String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut single = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\'' {
            single = !single;
        }
        if c == '$' && !single {
            let after = &rest[1..];
            let (name, len) = match after.strip_prefix('{') {
                Some(inner) => match inner.find('}') {
                    Some(end) => (&inner[..end], end + 3),
                    None => ("", 0),
                },
                None => {
                    let n = after
                        .bytes()
                        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                        .count();
                    (&after[..n], n + 1)
                }
            };
            if let Some(value) = vars.get(name).filter(|_| !name.is_empty()) {
                out.push_str(value);
                rest = &rest[len..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Applies a file's edits to its bytes.
pub fn apply<'a>(bytes: &[u8], edits: impl Iterator<Item = &'a Op>) -> Vec<u8> {
    let mut text = bytes.to_vec();
    for op in edits {
        text = match op {
            Op::Write(t) => t.as_bytes().to_vec(),
            Op::Append(t) => {
                let mut v = text;
                v.extend_from_slice(t.as_bytes());
                v
            }
            Op::Substitute(s) => substitute_lines(&text, s),
            // The source is read by the filesystem that applies the edits; here (no
            // filesystem) the file is left as it was.
            Op::CopyFrom(_) => text,
        };
    }
    text
}

/// sed works on lines: `^` and `$` anchor at each line's ends, and a line's newline is
/// never part of a match.
fn substitute_lines(text: &[u8], s: &Substitution) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    // The newline that ends the file ends its last line; it starts no other.
    let (body, final_newline) = match text.strip_suffix(b"\n") {
        Some(body) => (body, true),
        None => (text, false),
    };
    let mut lines = body.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        // Bounded work: a line no configuration has is left as it is.
        if line.len() > MAX_EDITED_LINE {
            out.extend_from_slice(line);
            if lines.peek().is_some() {
                out.push(b'\n');
            }
            continue;
        }
        let mut last = 0;
        for caps in s.regex.captures_iter(line) {
            let Ok(caps) = caps else { break };
            let Some(whole) = caps.get(0) else { break };
            out.extend_from_slice(&line[last..whole.start()]);
            for piece in &s.replacement {
                match piece {
                    Piece::Text(t) => out.extend_from_slice(t),
                    Piece::Group(n) => {
                        if let Some(g) = caps.get(*n) {
                            out.extend_from_slice(g.as_bytes());
                        }
                    }
                }
            }
            last = whole.end();
            if !s.global || whole.start() == whole.end() {
                break;
            }
        }
        out.extend_from_slice(&line[last..]);
        if lines.peek().is_some() {
            out.push(b'\n');
        }
    }
    if final_newline {
        out.push(b'\n');
    }
    out
}

/// Lines longer than this are not edited (sed would; configuration lines are far shorter,
/// and a backtracking pattern over a huge line is unbounded work).
const MAX_EDITED_LINE: usize = 8192;

/// More `s` commands than this in one `RUN` are not modelled.
const MAX_EXPRESSIONS: usize = 64;

/// Shell words of a `RUN`, split into commands at `&&`, `||`, `;` and `|` outside quotes
/// (each with the separator after it); `>` and `>>` are words of their own.
/// The commands of a shell line: their words (quotes removed), the separator after each,
/// and whether the shell expands something in it (`$(`, a backquote, `$NAME`, `${...}`
/// outside single quotes).
fn split_commands(run: &str) -> Vec<(Vec<String>, String, bool)> {
    let mut out = Vec::new();
    let mut dynamic = false;
    let mut current: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = run.chars().peekable();
    let end_word = |word: &mut String, in_word: &mut bool, current: &mut Vec<String>| {
        if *in_word {
            current.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        let expands = |next: Option<&char>| {
            next.is_some_and(|n| *n == '(' || *n == '{' || *n == '_' || n.is_ascii_alphanumeric())
        };
        if quote != Some('\'') && ((c == '$' && expands(chars.peek())) || c == '`') {
            dynamic = true;
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            // In double quotes a backslash escapes only `"`, `\`, `$` and a backquote
            // (`\/` stays for sed).
            (Some('"'), '\\') if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    if n != '\n' {
                        word.push(n);
                        in_word = true;
                    }
                }
            }
            (None, c) if c.is_whitespace() => end_word(&mut word, &mut in_word, &mut current),
            (None, '&' | '|' | ';') => {
                end_word(&mut word, &mut in_word, &mut current);
                let mut sep = c.to_string();
                if (c == '&' || c == '|') && chars.peek() == Some(&c) {
                    chars.next();
                    sep.push(c);
                }
                out.push((
                    std::mem::take(&mut current),
                    sep,
                    std::mem::take(&mut dynamic),
                ));
            }
            (None, '>') => {
                // `2>/dev/null`, `1>>file`: the digits name the descriptor.
                let fd = if in_word && !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit())
                {
                    in_word = false;
                    std::mem::take(&mut word)
                } else {
                    end_word(&mut word, &mut in_word, &mut current);
                    String::new()
                };
                let mut op = format!("{fd}>");
                if chars.peek() == Some(&'>') {
                    chars.next();
                    op.push('>');
                }
                current.push(op);
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut current);
    out.push((current, String::new(), dynamic));
    out
}

enum Sed {
    /// `sed -i`: the script's substitutions (`None`: a script not modelled) and the files.
    InPlace {
        script: Option<Vec<Substitution>>,
        files: Vec<String>,
    },
    /// No `-i`: it prints, the files stay.
    ToStdout,
}

fn sed(args: &[String]) -> Option<Sed> {
    let mut in_place = false;
    let mut extended = false;
    let mut scripts: Vec<String> = Vec::new();
    let mut files = Vec::new();
    let mut explicit = false;
    let mut modelled = true;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-e" || a == "--expression" {
            scripts.push(args.get(i + 1)?.clone());
            explicit = true;
            i += 2;
            continue;
        }
        if a.starts_with("-i") || a.starts_with("--in-place") {
            in_place = true;
        } else if a == "-E" || a == "-r" || a == "--regexp-extended" {
            extended = true;
        } else if a == "-f" || a.starts_with("--file") || a == "-n" || a == "-z" {
            modelled = false;
            if a == "-f" {
                i += 1;
            }
        } else if let Some(flags) = a.strip_prefix('-').filter(|f| !f.starts_with('-')) {
            // Grouped flags (`-ri`, `-Ei`, `-ie`): an `e` last takes the next word.
            for c in flags.chars() {
                match c {
                    'i' => in_place = true,
                    'r' | 'E' => extended = true,
                    's' | 'u' => {}
                    'e' => {
                        scripts.push(args.get(i + 1)?.clone());
                        explicit = true;
                        i += 1;
                        break;
                    }
                    _ => modelled = false,
                }
                // GNU reads what follows `-i` as the backup suffix.
                if c == 'i' {
                    break;
                }
            }
        } else if !explicit && scripts.is_empty() {
            scripts.push(a.clone());
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    if !in_place {
        return Some(Sed::ToStdout);
    }
    if files.is_empty() || scripts.is_empty() {
        return None;
    }
    if scripts.len() > MAX_EXPRESSIONS {
        modelled = false;
    }
    let mut subs = Vec::new();
    for script in &scripts {
        match parse_script(script, extended) {
            Some(s) => subs.extend(s),
            None => modelled = false,
        }
    }
    Some(Sed::InPlace {
        script: modelled.then_some(subs),
        files,
    })
}

/// A sed script of `s` commands separated by `;` or newlines (`None`: anything else).
fn parse_script(script: &str, extended: bool) -> Option<Vec<Substitution>> {
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ';') {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        if chars[i] != 's' {
            return None;
        }
        let delim = *chars.get(i + 1)?;
        if delim == '\\' || delim == '\n' || delim.is_alphanumeric() {
            return None;
        }
        i += 2;
        let mut parts = [String::new(), String::new()];
        for part in &mut parts {
            loop {
                let c = *chars.get(i)?;
                i += 1;
                if c == delim {
                    break;
                }
                part.push(c);
                if c == '\\' {
                    part.push(*chars.get(i)?);
                    i += 1;
                }
            }
        }
        let mut global = false;
        let mut caseless = false;
        while let Some(&c) = chars.get(i) {
            match c {
                'g' => global = true,
                'I' | 'i' => caseless = true,
                ';' | '\n' | ' ' | '}' => break,
                _ => return None,
            }
            i += 1;
        }
        let pattern = to_pcre(&parts[0], delim, extended)?;
        let regex = pcre2::bytes::RegexBuilder::new()
            .caseless(caseless)
            .build(&pattern)
            .ok()?;
        out.push(Substitution {
            regex,
            replacement: replacement(&parts[1], delim),
            global,
        });
    }
    (!out.is_empty()).then_some(out)
}

/// A POSIX basic (or, `extended`, extended) regular expression as PCRE2 reads it.
fn to_pcre(pattern: &str, delim: char, extended: bool) -> Option<String> {
    // Bounded work per line: a backtracking pattern from a Dockerfile gives up early
    // (PCRE2's own default allows ten million steps).
    let mut out = String::from("(*LIMIT_MATCH=100000)(*LIMIT_DEPTH=10000)");
    let mut chars = pattern.chars().peekable();
    let literal = |c: char, out: &mut String| {
        if "\\^$.[]|()?*+{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    };
    // In a basic expression `^` anchors only at the start of the pattern, of a `\(` group
    // or of a `\|` alternative, and `$` only at their end (GNU sed); elsewhere each is
    // itself: `s~${APP_URL}~…~` (backflip/kirby-docker fills a placeholder so) replaces
    // the text `${APP_URL}`.
    let mut group_start = true;
    while let Some(c) = chars.next() {
        let at_start = std::mem::replace(&mut group_start, false);
        match c {
            '$' if !extended => {
                let mut ahead = chars.clone();
                let at_end = match ahead.next() {
                    None => true,
                    Some('\\') => matches!(ahead.next(), Some(')' | '|')),
                    Some(_) => false,
                };
                if at_end {
                    out.push('$');
                } else {
                    literal(c, &mut out);
                }
            }
            '^' if !extended && !at_start => literal(c, &mut out),
            '\\' => {
                let next = chars.next()?;
                match next {
                    _ if next == delim => literal(next, &mut out),
                    'n' => out.push_str("\\n"),
                    't' => out.push_str("\\t"),
                    '1'..='9' => {
                        out.push('\\');
                        out.push(next);
                    }
                    '(' | '|' if !extended => {
                        group_start = true;
                        out.push(next);
                    }
                    '(' | ')' | '{' | '}' | '+' | '?' | '|' if !extended => out.push(next),
                    'w' | 'W' | 's' | 'S' | 'b' | 'B' => {
                        out.push('\\');
                        out.push(next);
                    }
                    other => literal(other, &mut out),
                }
            }
            '(' | ')' | '{' | '}' | '+' | '?' | '|' if !extended => literal(c, &mut out),
            '[' => {
                // A bracket expression: copied, a backslash in it is literal in POSIX.
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
                loop {
                    let b = chars.next()?;
                    match b {
                        ']' => {
                            out.push(']');
                            break;
                        }
                        '\\' => out.push_str("\\\\"),
                        '[' if chars.peek() == Some(&':') => {
                            out.push('[');
                            for x in chars.by_ref() {
                                out.push(x);
                                if x == ']' {
                                    break;
                                }
                            }
                        }
                        _ => out.push(b),
                    }
                }
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// A sed replacement: `&` is the match, `\1`–`\9` its groups, `\n` a newline.
fn replacement(text: &str, delim: char) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars();
    let flush = |literal: &mut String, pieces: &mut Vec<Piece>| {
        if !literal.is_empty() {
            pieces.push(Piece::Text(std::mem::take(literal).into_bytes()));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '&' => {
                flush(&mut literal, &mut pieces);
                pieces.push(Piece::Group(0));
            }
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => {
                    flush(&mut literal, &mut pieces);
                    pieces.push(Piece::Group(d as usize - '0' as usize));
                }
                Some('n') => literal.push('\n'),
                Some('t') => literal.push('\t'),
                Some(other) if other == delim => literal.push(other),
                Some(other) => literal.push(other),
                None => literal.push('\\'),
            },
            _ => literal.push(c),
        }
    }
    flush(&mut literal, &mut pieces);
    pieces
}

/// The text `echo`/`printf` writes and where: (text, `Some((append, file))` when
/// redirected). `None`: not modelled (a `printf` format with conversions).
#[allow(clippy::type_complexity)]
fn echo(program: &str, args: &[String]) -> Option<(String, Option<(bool, String)>)> {
    let mut words = Vec::new();
    let mut redirect = None;
    let mut newline = program == "echo";
    let mut escapes = program == "printf";
    let mut options = program == "echo";
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if options && a.starts_with('-') && a.len() > 1 && a[1..].chars().all(|c| "neE".contains(c))
        {
            newline &= !a.contains('n');
            escapes |= a.contains('e');
            i += 1;
            continue;
        }
        options = false;
        // Another descriptor's redirection (`2>/dev/null`): its target is not written to.
        if a.ends_with('>') && a.len() > 1 && !a.starts_with('>') && !a.starts_with("1>") {
            i += 2;
            continue;
        }
        let a = &a
            .strip_prefix('1')
            .filter(|r| r.starts_with('>'))
            .unwrap_or(a)
            .to_string();
        if let Some(rest) = a.strip_prefix(">>") {
            let file = if rest.is_empty() {
                args.get(i + 1)?.clone()
            } else {
                rest.to_string()
            };
            redirect = Some((true, file));
            break;
        }
        if let Some(rest) = a.strip_prefix('>') {
            let file = if rest.is_empty() {
                args.get(i + 1)?.clone()
            } else {
                rest.to_string()
            };
            redirect = Some((false, file));
            break;
        }
        words.push(a.clone());
        i += 1;
    }
    let mut text = words.join(" ");
    // dash's echo (Debian's /bin/sh) reads escapes without `-e`; a `\n` in the text is
    // meant as a line break either way.
    if escapes || text.contains("\\n") {
        if program == "printf" && text.replace("%%", "").contains('%') {
            return None;
        }
        text = text
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("%%", "%");
    }
    if newline {
        text.push('\n');
    }
    Some((text, redirect))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(run: &str, file: &str) -> String {
        let parsed = parse_run(run, &Default::default(), Path::new("/"), 1);
        assert!(parsed.complete, "{run}");
        assert!(parsed.edits.iter().all(|e| e.path.ends_with(file)), "{run}");
        let ops: Vec<&Op> = parsed.edits.iter().map(|e| &e.op).collect();
        String::from_utf8(apply(
            b"listen = 127.0.0.1:9000\n;listen.owner = www-data\n",
            ops.into_iter(),
        ))
        .unwrap()
    }

    #[test]
    fn richarvey_s_sed_turns_the_pool_into_a_socket() {
        let run = r#"sed -i -e "s/;listen.owner = www-data/listen.owner = nginx/g" -e "s/listen = 127.0.0.1:9000/listen = \/var\/run\/php-fpm.sock/g" /usr/local/etc/php-fpm.d/www.conf"#;
        assert_eq!(
            edit(run, "www.conf"),
            "listen = /var/run/php-fpm.sock\nlisten.owner = nginx\n"
        );
        let parsed = parse_run(run, &Default::default(), Path::new("/"), 1);
        assert!(parsed
            .edits
            .iter()
            .all(|e| e.path == Path::new("/usr/local/etc/php-fpm.d/www.conf")));
    }

    #[test]
    fn groups_anchors_other_delimiters_and_extended_syntax() {
        assert_eq!(
            edit(
                r"sed -i 's|^listen = .*|listen = 9000|' /etc/www.conf",
                "www.conf"
            ),
            "listen = 9000\n;listen.owner = www-data\n"
        );
        assert_eq!(
            edit(
                r"sed -i 's/^;\(listen\.owner\)/\1/' /etc/www.conf",
                "www.conf"
            ),
            "listen = 127.0.0.1:9000\nlisten.owner = www-data\n"
        );
        assert_eq!(
            edit(
                r"sed -ri 's/^;(listen\.owner) = (.+)$/\1 = nginx # was \2/' /etc/www.conf",
                ""
            ),
            "listen = 127.0.0.1:9000\nlisten.owner = nginx # was www-data\n"
        );
        // `&` is the match; no `g`: the first match of each line only.
        assert_eq!(
            edit("sed -i 's/0/&0/' /etc/www.conf", "www.conf"),
            "listen = 127.00.0.1:9000\n;listen.owner = www-data\n"
        );
    }

    /// In a basic expression, `$` and `^` inside the pattern are themselves, and `{}` too.
    #[test]
    fn a_basic_expression_s_inner_dollar_and_braces_are_text() {
        let parsed = parse_run(
            "sed -i 's~${APP_URL}~https://example.test~g' /etc/nginx/conf.d/default.conf",
            &Default::default(),
            Path::new("/"),
            1,
        );
        let ops: Vec<&Op> = parsed.edits.iter().map(|e| &e.op).collect();
        assert_eq!(
            String::from_utf8(apply(
                b"fastcgi_param APP_URL ${APP_URL};\nroot /a^b;\n",
                ops.into_iter()
            ))
            .unwrap(),
            "fastcgi_param APP_URL https://example.test;\nroot /a^b;\n"
        );
        assert_eq!(
            edit(r"sed -i 's/a^b/c/;s/0$/1/' /etc/www.conf", "www.conf"),
            "listen = 127.0.0.1:9001\n;listen.owner = www-data\n"
        );
        // At a group's or an alternative's edge they anchor (GNU sed).
        assert_eq!(
            edit(
                r"sed -i 's/\(^;\)listen/\1x/;s/9\(000$\)/8\1/' /etc/www.conf",
                "www.conf"
            ),
            "listen = 127.0.0.1:8000\n;x.owner = www-data\n"
        );
    }

    #[test]
    fn echo_and_printf_append_or_write() {
        let run = "echo 'fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;' >> /etc/nginx/fastcgi_params && printf 'a\\nb\\n' > /etc/x.conf";
        let parsed = parse_run(run, &Default::default(), Path::new("/"), 3);
        assert!(parsed.complete);
        assert_eq!(parsed.edits.len(), 2);
        assert!(
            matches!(&parsed.edits[0].op, Op::Append(t) if t == "fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n")
        );
        assert!(matches!(&parsed.edits[1].op, Op::Write(t) if t == "a\nb\n"));
        let tee = parse_run(
            "echo 'x = 1' | tee -a conf.d/y.ini",
            &Default::default(),
            Path::new("/etc/php"),
            1,
        );
        assert_eq!(tee.edits[0].path, Path::new("/etc/php/conf.d/y.ini"));
        assert!(matches!(&tee.edits[0].op, Op::Append(t) if t == "x = 1\n"));
    }

    #[test]
    fn env_values_expand_outside_single_quotes_only() {
        let vars = [(
            "fpm_conf".to_string(),
            "/usr/local/etc/php-fpm.d/www.conf".to_string(),
        )]
        .into_iter()
        .collect();
        let parsed = parse_run(
            "sed -i 's/x/$y/' ${fpm_conf} && echo '$document_root' >> $fpm_conf",
            &vars,
            Path::new("/"),
            1,
        );
        assert!(parsed
            .edits
            .iter()
            .all(|e| e.path == Path::new("/usr/local/etc/php-fpm.d/www.conf")));
        assert!(matches!(&parsed.edits[1].op, Op::Append(t) if t == "$document_root\n"));
    }

    /// Baikal's nginx image: a `$(lsb_release -sc)` in the `echo` that adds an apt source
    /// says nothing of the `sed`s after it, which are applied; a command that expands
    /// something itself (`$(nproc)`, a runtime `$PORT`, a backquote) is still not modelled.
    #[test]
    fn only_the_command_that_expands_something_is_unknown() {
        let run = r#"echo "deb https://packages.sury.org/php/ $(lsb_release -sc) main" > /etc/apt/sources.list.d/php.list && apt-get install -y php8.2-fpm && sed -i 's/^listen = .*/listen = \/var\/run\/php-fpm.sock/' /etc/php/8.2/fpm/pool.d/www.conf"#;
        let parsed = parse_run(run, &Default::default(), Path::new("/"), 2);
        assert_eq!(parsed.edits.len(), 1, "{:?}", parsed.edits);
        assert_eq!(
            parsed.edits[0].path,
            Path::new("/etc/php/8.2/fpm/pool.d/www.conf")
        );
        assert_eq!(
            parsed.unmodelled,
            vec![PathBuf::from("/etc/apt/sources.list.d/php.list")]
        );
        for run in [
            "sed -i \"s/pm.max_children = 5/pm.max_children = $(nproc)/\" /etc/php/www.conf",
            "sed -i \"s/80/$PORT/\" /etc/php/www.conf",
            "sed -i \"s/80/`cat /port`/\" /etc/php/www.conf",
        ] {
            let parsed = parse_run(run, &Default::default(), Path::new("/"), 1);
            assert!(parsed.edits.is_empty(), "{run}: {:?}", parsed.edits);
            assert_eq!(
                parsed.unmodelled,
                vec![PathBuf::from("/etc/php/www.conf")],
                "{run}"
            );
        }
        // In single quotes nothing expands: `$` is sed's end of line.
        let parsed = parse_run(
            "sed -i 's/$/;/' /etc/a.conf",
            &Default::default(),
            Path::new("/"),
            1,
        );
        assert_eq!(parsed.edits.len(), 1);
    }

    /// The one-file copies a parsed RUN makes: (source, destination).
    fn copies_of(parsed: &RunEdits) -> Vec<(PathBuf, PathBuf)> {
        parsed
            .edits
            .iter()
            .filter_map(|e| match &e.op {
                Op::CopyFrom(src) => Some((src.clone(), e.path.clone())),
                _ => None,
            })
            .collect()
    }

    /// `rsync -a SRC DEST` of one file is a copy like cp's; a directory (trailing
    /// slash, or a name without an extension), a remote path or an option with an
    /// argument is not followed.
    #[test]
    fn one_file_rsyncs_are_copies() {
        let run = "rsync -a /build/app.conf /etc/php83/php-fpm.d/zz_app.conf && rsync -av php.ini /etc/php83/conf.d/ && rsync -a /build/conf/ /etc/php83/ && rsync -a /build/conf /etc/ && rsync -e ssh h:a.conf /etc/a.conf";
        let parsed = parse_run(run, &Default::default(), Path::new("/build"), 3);
        let copies = copies_of(&parsed);
        assert_eq!(
            copies,
            vec![
                (
                    PathBuf::from("/build/app.conf"),
                    PathBuf::from("/etc/php83/php-fpm.d/zz_app.conf")
                ),
                (
                    PathBuf::from("/build/php.ini"),
                    PathBuf::from("/etc/php83/conf.d/php.ini")
                ),
            ]
        );
    }

    /// A command named by a variable the stage does not set (`$RSYNC_COPY`, an ENV of the
    /// base image), with a file of the image and a destination, is read as a copy whose
    /// destination is changed at build time.
    #[test]
    fn a_copy_by_an_unknown_command_variable_is_read_and_said_changed() {
        let mut vars = std::collections::BTreeMap::new();
        vars.insert(
            "DEST".to_string(),
            "/etc/php7/php-fpm.d/zz_app.conf".to_string(),
        );
        let run = "$RSYNC_COPY /build/app-php-fpm.conf \"$DEST\" && $RSYNC_COPY /build/scripts/ /scripts/ && $X $Y /etc/a.conf";
        let parsed = parse_run(run, &vars, Path::new("/"), 3);
        let copies = copies_of(&parsed);
        assert_eq!(
            copies,
            vec![(
                PathBuf::from("/build/app-php-fpm.conf"),
                PathBuf::from("/etc/php7/php-fpm.d/zz_app.conf")
            )]
        );
        assert_eq!(
            parsed.unmodelled,
            vec![PathBuf::from("/etc/php7/php-fpm.d/zz_app.conf")]
        );
    }

    /// `cp SRC DEST` of one file is followed; a directory copy, several sources or a
    /// glob are not.
    #[test]
    fn one_file_copies_are_edits_of_their_destination() {
        let run = "cp -f /var/www/app/docker/nginx.conf /etc/nginx/nginx.conf && cp docker/php.ini /etc/php/8.4/fpm/conf.d/ && cp -r conf /etc/nginx/conf.d && cp a b /etc/ && cp /x/*.conf /etc/nginx/conf.d/";
        let parsed = parse_run(run, &Default::default(), Path::new("/var/www/app"), 3);
        let copies = copies_of(&parsed);
        assert_eq!(
            copies,
            vec![
                (
                    PathBuf::from("/var/www/app/docker/nginx.conf"),
                    PathBuf::from("/etc/nginx/nginx.conf")
                ),
                (
                    PathBuf::from("/var/www/app/docker/php.ini"),
                    PathBuf::from("/etc/php/8.4/fpm/conf.d/php.ini")
                ),
            ]
        );
    }

    #[test]
    fn the_final_newline_ends_the_last_line() {
        let parsed = parse_run(
            "sed -i 's/$/;/' /etc/a.conf",
            &Default::default(),
            Path::new("/"),
            1,
        );
        let ops: Vec<&Op> = parsed.edits.iter().map(|e| &e.op).collect();
        assert_eq!(apply(b"a\nb\n", ops.into_iter()), b"a;\nb;\n");
    }

    #[test]
    fn expansions_globs_and_other_descriptors() {
        // The shell expands `$(nproc)`: what lands is not known.
        let parsed = parse_run(
            "sed -i \"s/pm.max_children = 5/pm.max_children = $(nproc)/\" /etc/www.conf",
            &Default::default(),
            Path::new("/"),
            1,
        );
        assert!(parsed.edits.is_empty());
        assert_eq!(parsed.unmodelled, [PathBuf::from("/etc/www.conf")]);
        // A glob operand names files this does not list.
        let parsed = parse_run(
            "sed -i 's/a/b/' /etc/php/*/fpm/pool.d/www.conf",
            &Default::default(),
            Path::new("/"),
            1,
        );
        assert!(parsed.edits.is_empty() && parsed.unmodelled.len() == 1);
        // `2>/dev/null` redirects errors; the text still goes to the file.
        let parsed = parse_run(
            "echo a 2>/dev/null >> /etc/f.conf",
            &Default::default(),
            Path::new("/"),
            1,
        );
        assert_eq!(parsed.edits.len(), 1);
        assert_eq!(parsed.edits[0].path, Path::new("/etc/f.conf"));
        assert!(matches!(&parsed.edits[0].op, Op::Append(t) if t == "a\n"));
        // A subshell or sudo is not followed.
        let parsed = parse_run(
            "(echo a >> /etc/f.conf)",
            &Default::default(),
            Path::new("/"),
            1,
        );
        assert!(!parsed.complete && parsed.edits.is_empty());
    }

    #[test]
    fn what_is_not_modelled_is_said() {
        let parsed = parse_run(
            "sed -i '/^listen/d' /etc/www.conf",
            &Default::default(),
            Path::new("/"),
            1,
        );
        assert_eq!(parsed.unmodelled, [PathBuf::from("/etc/www.conf")]);
        assert!(parsed.edits.is_empty());
        let parsed = parse_run(
            "printf '%s\\n' \"$X\" >> /etc/a.conf",
            &Default::default(),
            Path::new("/"),
            1,
        );
        assert!(!parsed.complete);
        // Printing is no edit.
        let parsed = parse_run(
            "sed -n 's/a/b/p' /etc/a.conf && echo done",
            &Default::default(),
            Path::new("/"),
            1,
        );
        assert!(parsed.complete && parsed.edits.is_empty() && parsed.unmodelled.is_empty());
    }
}
