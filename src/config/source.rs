//! Configuration files held in memory, and conversion of parser locations
//! into byte ranges, lines and columns.

use std::sync::Arc;

use serde_saphyr::Location;

use crate::model::desired::Origin;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

/// A place in a file: a byte range, with its 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// The file.
    pub file: FileId,
    /// Byte offset of the start.
    pub offset: usize,
    /// Length in bytes (0 for a point).
    pub len: usize,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
}

/// One configuration file's text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user named it (relative paths stay relative).
    pub name: String,
    /// The text (lossy for files that are not UTF-8, so errors can show them).
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Holds `text` under `name`.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// Byte offset of a 1-based line and character column, clamped to the text.
    pub fn offset_of(&self, line: u64, column: u64) -> usize {
        let line_index = (line.max(1) - 1) as usize;
        let Some(&start) = self.line_starts.get(line_index) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        let skip = (column.max(1) - 1) as usize;
        let within = line_text
            .char_indices()
            .nth(skip)
            .map(|(i, _)| i)
            .unwrap_or(line_text.len());
        start + within
    }

    /// The nearest char boundary at or before `offset`.
    fn floor(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The nearest char boundary at or after `offset`.
    fn ceil(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset += 1;
        }
        offset
    }

    /// 1-based line and column of a byte offset.
    pub fn line_column(&self, offset: usize) -> (u64, u64) {
        let offset = self.floor(offset);
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_index];
        let column = self.text[start..offset].chars().count() + 1;
        (line_index as u64 + 1, column as u64)
    }

    /// The place a parser location points at in this file.
    pub fn loc(&self, file: FileId, location: &Location) -> Loc {
        if location.line() == 0 {
            return self.start(file);
        }
        let offset = self.offset_of(location.line(), location.column());
        let span = location.span();
        let len = match span.byte_len() {
            Some(len) if span.byte_offset() == Some(offset as u64) => len as usize,
            _ => self.text[offset..]
                .char_indices()
                .nth(span.len() as usize)
                .map(|(i, _)| i)
                .unwrap_or(self.text.len() - offset),
        };
        Loc {
            file,
            offset,
            len: self.ceil(offset + len) - offset,
            line: location.line(),
            column: location.column(),
        }
    }

    /// The place of a byte range.
    pub fn loc_of_range(&self, file: FileId, offset: usize, len: usize) -> Loc {
        let offset = self.floor(offset);
        let (line, column) = self.line_column(offset);
        Loc {
            file,
            offset,
            len: self.ceil(offset + len) - offset,
            line,
            column,
        }
    }

    /// The very start of the file.
    pub fn start(&self, file: FileId) -> Loc {
        Loc {
            file,
            offset: 0,
            len: 0,
            line: 1,
            column: 1,
        }
    }
}

/// All files of one run, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a file and returns its ID.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    /// The file with `id`.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The files in order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i), f))
    }

    /// A plain-data origin for the model.
    pub fn origin(&self, loc: Loc) -> Origin {
        Origin {
            file: self.get(loc.file).name.clone(),
            line: loc.line,
            column: loc.column,
            offset: loc.offset,
            len: loc.len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_lines_and_columns_agree() {
        let f = SourceFile::new("a.yaml", "ab\nçd: x\n\nlast");
        assert_eq!(f.offset_of(1, 1), 0);
        assert_eq!(f.offset_of(2, 1), 3);
        assert_eq!(f.offset_of(2, 2), 5); // after the two-byte ç
        assert_eq!(f.line_column(5), (2, 2));
        assert_eq!(f.line_column(f.offset_of(4, 3)), (4, 3));
        assert_eq!(f.offset_of(9, 1), f.text.len());
        assert_eq!(f.offset_of(1, 99), 2);
        // Offsets inside a multi-byte character never split it.
        assert_eq!(f.line_column(4), (2, 1));
        let loc = f.loc_of_range(FileId(0), 3, 1);
        assert_eq!((loc.offset, loc.len), (3, 2));
    }
}
