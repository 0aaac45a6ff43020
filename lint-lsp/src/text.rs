//! Byte offsets ↔ LSP positions (lines and UTF-16 code units, the protocol's default).

use lsp_types::{Position, Range};

/// Where each line of a text starts.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The position of a byte offset (clamped to the text).
    pub fn position(&self, text: &[u8], offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let prefix = &text[start..offset];
        // Configuration lines are nearly always ASCII: one unit per byte.
        let column = if prefix.is_ascii() {
            prefix.len()
        } else {
            String::from_utf8_lossy(prefix).encode_utf16().count()
        };
        Position::new(line as u32, column as u32)
    }

    /// The range of a byte range.
    pub fn range(&self, text: &[u8], start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }

    /// The byte offset of a position (clamped to its line and to the text).
    pub fn offset(&self, text: &[u8], position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |e| e.saturating_sub(1))
            .max(start);
        let line = &text[start..end];
        let wanted = position.character as usize;
        match std::str::from_utf8(line) {
            Ok(s) => {
                let mut units = 0;
                for (i, c) in s.char_indices() {
                    if units >= wanted {
                        return start + i;
                    }
                    units += c.len_utf16();
                }
                end
            }
            // Not UTF-8: count bytes.
            Err(_) => start + wanted.min(line.len()),
        }
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The byte offset where 0-based `line` starts (the text's end past the last line).
    pub fn line_start(&self, line: usize, text_len: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(text_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let text = "ab\nçé𝄞x\n".as_bytes();
        let index = LineIndex::new(text);
        // 𝄞 is 4 bytes and 2 UTF-16 units.
        let x = text.len() - 2;
        assert_eq!(index.position(text, x), Position::new(1, 4));
        assert_eq!(index.offset(text, Position::new(1, 4)), x);
        assert_eq!(index.offset(text, Position::new(0, 99)), 2);
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
    }
}
