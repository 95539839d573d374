//! The tantivy schema: one document per passage, plus one per file that records what
//! was indexed (its fingerprint) so a second run can skip unchanged files.

use tantivy::schema::{
    DateOptions, FAST, Field, IndexRecordOption, NumericOptions, STORED, Schema, TextFieldIndexing,
    TextOptions,
};

/// Bump when the schema or what extraction stores changes: an index of another format
/// is rebuilt (by `attache index`) or refused (by `attache search`).
pub const FORMAT_VERSION: u32 = 9;

/// Tokenizer of the searchable text fields: lowercasing plus English stemming.
pub const TEXT_TOKENIZER: &str = "en_stem";

/// `kind` value of passage documents.
pub const KIND_PASSAGE: &str = "passage";
/// `kind` value of quotation documents.
pub const KIND_QUOTE: &str = "quote";
/// `kind` value of file documents.
pub const KIND_FILE: &str = "file";

/// Handles to every field, resolved once.
#[derive(Clone, Debug)]
pub struct Fields {
    pub schema: Schema,
    /// `passage`, `quote` or `file`.
    pub kind: Field,
    /// Absolute path of the file; the key for replacing and deleting a file's documents.
    pub path: Field,
    /// The headline, searchable, on file documents only: a query over it matches the
    /// file's other documents through [`crate::join::FileJoin`].
    pub title: Field,
    /// The headline as shown, stored on passage and quotation documents.
    pub headline: Field,
    /// Passage text. Only passage documents have it, so a query over it needs no `kind`
    /// filter.
    pub body: Field,
    /// Quotation text, on quotation documents only.
    pub quote: Field,
    /// Passage (or quotation) number within its file, from 0.
    pub ordinal: Field,
    /// Byte range of the passage in the file.
    pub start: Field,
    pub end: Field,
    /// Speakers of the quotes that overlap the passage (searchable text).
    pub speaker: Field,
    /// The publisher and the outlets named for statements in the passage.
    pub source: Field,
    /// The same names untokenized, as fast fields for counting (facets, stats).
    pub speaker_key: Field,
    pub source_key: Field,
    /// Quotation documents: `direct` or `indirect`.
    pub quote_kind: Field,
    /// Publication date (midnight UTC) for range filters.
    pub published: Field,
    /// The publication date as written at its precision: YYYY, YYYY-MM or YYYY-MM-DD.
    pub published_text: Field,
    pub date_source: Field,
    /// Calendar values of the dates the passage mentions, as YYYY[-MM[-DD]] tokens.
    pub dates: Field,
    /// Passage documents: a 64-bit sketch of the passage's word pairs (`dedup::sketch`),
    /// a fast field only, so that search need not read a passage to rule out a copy.
    pub sketch: Field,
    /// Passage documents: the number of distinct word pairs (`dedup::signature`), a fast
    /// field only, for the exact size test of near-duplicates (`dedup::sizes_allow_copies`).
    pub pairs: Field,
    /// File documents: content fingerprint and the quick (size, mtime, metadata) stamp.
    pub fingerprint: Field,
    pub stamp: Field,
    /// File documents: how many documents of the file come before it (a file's documents
    /// are consecutive, the file document last), for [`crate::join::FileJoin`].
    pub span: Field,
}

impl Fields {
    /// Builds the schema.
    pub fn new() -> Fields {
        let mut sb = Schema::builder();
        let text = |stored: bool| {
            let o = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TEXT_TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if stored { o.set_stored() } else { o }
        };
        // Exact-match fields (filters, keys, labels) are never ranked by length: no
        // fieldnorms, which would cost a byte per document and field.
        let keyword = || {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("raw")
                    .set_index_option(IndexRecordOption::Basic)
                    .set_fieldnorms(false),
            )
        };
        // Speakers and outlets are matched by words and phrases but only filter.
        let name_words = || {
            TextOptions::default()
                .set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(TEXT_TOKENIZER)
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions)
                        .set_fieldnorms(false),
                )
                .set_stored()
        };
        let kind = sb.add_text_field("kind", keyword());
        let path = sb.add_text_field("path", keyword().set_stored());
        let title = sb.add_text_field("title", text(false));
        let headline = sb.add_text_field("headline", STORED);
        let body = sb.add_text_field("body", text(true));
        let quote = sb.add_text_field("quote", text(true));
        // Only what a query looks up by term is indexed. Ranges (the context's passage
        // numbers, --from/--to) run on fast fields, which tantivy prefers for a range on a
        // fast field anyway; facet keys are counted from fast fields; labels shown with a
        // hit are only stored. Each indexed value cost a term per document.
        let ordinal =
            sb.add_u64_field("ordinal", NumericOptions::default().set_stored().set_fast());
        let start = sb.add_u64_field("start", STORED);
        let end = sb.add_u64_field("end", STORED);
        let speaker = sb.add_text_field("speaker", name_words());
        let source = sb.add_text_field("source", name_words());
        let speaker_key = sb.add_text_field("speaker_key", TextOptions::default().set_fast("raw"));
        let source_key = sb.add_text_field("source_key", TextOptions::default().set_fast("raw"));
        let quote_kind = sb.add_text_field("quote_kind", STORED);
        let published = sb.add_date_field(
            "published",
            DateOptions::default().set_indexed().set_fast().set_stored(),
        );
        let published_text = sb.add_text_field("published_text", STORED);
        let date_source = sb.add_text_field("date_source", STORED);
        let dates = sb.add_text_field("dates", keyword().set_stored());
        let fingerprint = sb.add_u64_field("fingerprint", STORED);
        let stamp = sb.add_u64_field("stamp", STORED | FAST);
        let sketch = sb.add_u64_field("sketch", FAST);
        let pairs = sb.add_u64_field("pairs", FAST);
        let span = sb.add_u64_field("span", FAST);
        Fields {
            schema: sb.build(),
            kind,
            path,
            title,
            headline,
            body,
            quote,
            ordinal,
            start,
            end,
            speaker,
            source,
            speaker_key,
            source_key,
            quote_kind,
            published,
            published_text,
            date_source,
            dates,
            fingerprint,
            stamp,
            sketch,
            pairs,
            span,
        }
    }

    /// Resolves the fields of an index opened from disk; fails if one is missing.
    pub fn from_schema(schema: &Schema) -> Option<Fields> {
        let want = Fields::new();
        if *schema != want.schema {
            return None;
        }
        Some(want)
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}
