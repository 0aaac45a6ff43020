//! YAML loading with alias expansion bounded.
//!
//! `yaml-rust2` builds each alias as a deep copy of its anchor's node, so nine
//! anchors of nine aliases each (a "billion laughs", 1 KB of text) expand to 9^9
//! nodes: a Compose file of that shape hung the linter. Before a document is built,
//! its expanded size is counted from the parser's events alone (linear in the text).

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;
use yaml_rust2::{Yaml, YamlLoader};

/// Nodes aliases may add beyond the text's own. Compose files share a block of
/// settings between services (`<<: *common`): a few hundred nodes, far below this.
pub const MAX_ALIAS_NODES: u64 = 1_000_000;

/// [`YamlLoader::load_from_str`], refusing a text whose aliases expand to more than
/// [`MAX_ALIAS_NODES`] nodes beyond its own. The error is a sentence for a note
/// ("not valid YAML: …", or why the aliases were not expanded).
///
/// ```
/// let laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n".to_string()
///     + &(1..9)
///         .map(|i| format!("b{i}: &b{i} [{}]\n", vec![if i == 1 { "*a".to_string() } else { format!("*b{}", i - 1) }; 9].join(", ")))
///         .collect::<String>();
/// let err = deployment::bounded_yaml::load(&laughs).unwrap_err();
/// assert!(err.starts_with("YAML whose aliases expand"), "{err}");
/// assert!(deployment::bounded_yaml::load("a: &x [1, 2]\nb: *x\n").is_ok());
/// ```
pub fn load(text: &str) -> Result<Vec<Yaml>, String> {
    // A byte-order mark (Windows editors write one) is not part of the YAML: Compose and
    // kubectl read such files (NikaNats/wordpress-docker-starter's compose file had one).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match load_bounded(text) {
        Err(e) if e.contains("invalid indentation") => match flow_closers_joined(text) {
            Some(joined) => load_bounded(&joined).map_err(|_| e),
            None => Err(e),
        },
        other => other,
    }
}

/// A flow collection closed on a line of its own at its key's indentation
/// (`test: [` … `      ]`, as prettier writes a long healthcheck): Compose (go-yaml)
/// and PyYAML read it, yaml-rust2 calls it "invalid indentation" (yii2-app-basic's
/// compose file was skipped). Each such closer moves to the end of the line before it,
/// leaving blanks in its place: the text keeps its lines and its length, so positions
/// into the file stay right. `None` when there is no such line.
fn flow_closers_joined(text: &str) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let mut changed = false;
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end = bytes[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| line_start + p);
        let indent = bytes[line_start..line_end]
            .iter()
            .take_while(|&&b| b == b' ')
            .count();
        let rest_start = line_start + indent;
        let rest_end = if bytes.get(line_end.wrapping_sub(1)) == Some(&b'\r') {
            line_end - 1
        } else {
            line_end
        };
        let closer = indent > 0
            && rest_start < rest_end
            && matches!(bytes[rest_start], b']' | b'}')
            && bytes[rest_start..rest_end]
                .iter()
                .all(|b| matches!(b, b']' | b'}' | b','));
        // The line before, right above (its newline at line_start - 1), without a comment
        // the closer would fall into.
        let previous = line_start
            .checked_sub(1)
            .filter(|&nl| bytes[nl] == b'\n')
            .map(|nl| {
                let from = bytes[..nl]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1);
                (nl, &bytes[from..nl])
            })
            .filter(|(_, line)| !line.contains(&b'#') && line.iter().any(|b| *b != b' '));
        if let (true, Some((newline, _))) = (closer, previous) {
            // "\n" + indent + closer  becomes  closer + "\n" + indent: same length, same lines.
            let closer_text = bytes[rest_start..rest_end].to_vec();
            let mut moved = closer_text;
            moved.push(b'\n');
            moved.resize(rest_end - newline, b' ');
            bytes.splice(newline..rest_end, moved);
            changed = true;
        }
        line_start = line_end + 1;
    }
    changed.then(|| String::from_utf8(bytes).ok()).flatten()
}

fn load_bounded(text: &str) -> Result<Vec<Yaml>, String> {
    // Without `*` there is no alias: no second pass.
    if text.contains('*') {
        let mut sizer = Sizer::default();
        let mut parser = Parser::new_from_str(text);
        parser
            .load(&mut sizer, true)
            .map_err(|e| format!("not valid YAML: {e}"))?;
        if sizer.expanded > sizer.parsed.saturating_add(MAX_ALIAS_NODES) {
            return Err(format!(
                "YAML whose aliases expand to more than {MAX_ALIAS_NODES} nodes beyond the text's own {} (an alias bomb?); not read",
                sizer.parsed
            ));
        }
    }
    YamlLoader::load_from_str(text).map_err(|e| format!("not valid YAML: {e}"))
}

/// [`load`], document by document when the stream as a whole is not valid: what
/// `kubectl apply` does with a manifest of many documents, one of them broken (a bad
/// alias in roundcube's last document hid its eleven others). Returns the documents
/// read and, for each one that was not, its first line (its `---`) and why.
///
/// ```
/// let text = "kind: ConfigMap\n---\nkind: Service\nspec: *missing\n---\nkind: Pod\n";
/// let (docs, bad) = deployment::bounded_yaml::load_documents(text);
/// assert_eq!(docs.len(), 2);
/// assert_eq!(bad.len(), 1);
/// assert_eq!(bad[0].0, 2); // its `---` line
/// ```
pub fn load_documents(text: &str) -> (Vec<Yaml>, Vec<(usize, String)>) {
    match load(text) {
        Ok(docs) => return (docs, Vec::new()),
        // An alias bomb is refused whole.
        Err(e) if !e.starts_with("not valid YAML") => return (Vec::new(), vec![(1, e)]),
        Err(_) => {}
    }
    let mut docs = Vec::new();
    let mut bad = Vec::new();
    // (first line, text) of each document; a `---` line starts the next.
    let mut chunks: Vec<(usize, String)> = vec![(1, String::new())];
    for (n, line) in text.lines().enumerate() {
        if line == "---" || line.starts_with("--- ") {
            // Blank lines in front keep the parser's line numbers those of the file.
            chunks.push((n + 1, "\n".repeat(n)));
        }
        if let Some((_, chunk)) = chunks.last_mut() {
            chunk.push_str(line);
            chunk.push('\n');
        }
    }
    for (line, chunk) in chunks {
        match load(&chunk) {
            Ok(read) => docs.extend(read),
            Err(e) => bad.push((line, without_byte_offset(&e))),
        }
    }
    (docs, bad)
}

/// The parser's message without its byte offset (of the document, not of the file);
/// its line and column are the file's.
fn without_byte_offset(message: &str) -> String {
    let Some(at) = message.find(" at byte ") else {
        return message.to_string();
    };
    let rest = &message[at + " at byte ".len()..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    format!("{} at{}", &message[..at], &rest[digits..])
}

/// Counts the nodes of a stream as written and as built (aliases copied).
#[derive(Default)]
struct Sizer {
    /// Open collections: their anchor and expanded size so far.
    open: Vec<(usize, u64)>,
    /// The expanded size of each anchored node.
    anchors: HashMap<usize, u64>,
    /// Nodes as written.
    parsed: u64,
    /// Nodes as built.
    expanded: u64,
}

impl Sizer {
    fn close(&mut self, anchor: usize, size: u64) {
        if anchor != 0 {
            self.anchors.insert(anchor, size);
        }
        match self.open.last_mut() {
            Some((_, parent)) => *parent = parent.saturating_add(size),
            None => self.expanded = self.expanded.saturating_add(size),
        }
    }
}

impl MarkedEventReceiver for Sizer {
    fn on_event(&mut self, event: Event, _mark: Marker) {
        match event {
            Event::Scalar(_, _, anchor, _) => {
                self.parsed += 1;
                self.close(anchor, 1);
            }
            Event::Alias(id) => {
                self.parsed += 1;
                let size = self.anchors.get(&id).copied().unwrap_or(1);
                self.close(0, size);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.parsed += 1;
                self.open.push((anchor, 1));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, size)) = self.open.pop() {
                    self.close(anchor, size);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    /// prettier's long flow sequence, closed at its key's indentation: read as Compose
    /// reads it, the file keeping its length and lines.
    #[test]
    fn a_flow_sequence_closed_at_its_keys_indentation_is_read() {
        let text = "services:\n  app:\n    healthcheck:\n      test: [\n        \"CMD-SHELL\",\n        \"php -v\",\n      ]\n      interval: 30s\n";
        let docs = super::load(text).expect("read");
        let test = &docs[0]["services"]["app"]["healthcheck"]["test"];
        assert_eq!(test.as_vec().map(Vec::len), Some(2));
        let joined = super::flow_closers_joined(text).expect("joined");
        assert_eq!(joined.len(), text.len());
        assert_eq!(joined.lines().count(), text.lines().count());
        // Not valid either way: no rewrite hides the error.
        assert!(super::load("a: [\n  b\n c: d\n").is_err());
    }

    use super::*;

    /// Nine levels of nine aliases: 9^9 nodes if built.
    fn laughs(levels: usize) -> String {
        let mut text =
            "services:\n  web:\n    image: nginx\n    x-a: &l0 [a, a, a, a, a, a, a, a, a]\n"
                .to_string();
        for i in 1..=levels {
            let refs = vec![format!("*l{}", i - 1); 9].join(", ");
            text.push_str(&format!("    x-{i}: &l{i} [{refs}]\n"));
        }
        text
    }

    #[test]
    fn an_alias_bomb_is_refused_before_it_is_built() {
        let err = load(&laughs(9)).unwrap_err();
        assert!(
            err.contains("aliases expand to more than 1000000 nodes"),
            "{err}"
        );
        assert!(!err.contains("not valid"), "{err}");
    }

    #[test]
    fn aliases_of_ordinary_size_load_as_before() {
        let text = laughs(4); // 9^5 nodes: within the budget
        assert_eq!(
            load(&text),
            Ok(YamlLoader::load_from_str(&text).expect("valid"))
        );
        let merge = "x-common: &common\n  image: php:8.3-fpm\n  restart: always\nservices:\n  a:\n    <<: *common\n  b:\n    <<: *common\n";
        let docs = load(merge).expect("loads");
        assert_eq!(
            docs[0]["services"]["b"]["<<"]["image"].as_str(),
            Some("php:8.3-fpm")
        );
    }

    #[test]
    fn invalid_yaml_is_an_error_either_way() {
        for text in ["a: [1, *", "a: [1, 2"] {
            let err = load(text).unwrap_err();
            assert!(err.starts_with("not valid YAML: "), "{err}");
        }
    }
}
