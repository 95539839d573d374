//! Bounds the documents waiting in tantivy's writer queue.
//!
//! `attache index` hands tantivy one batch a file (`IndexWriter::run`), so that a file's
//! documents land in one segment, in order, and share store blocks. tantivy's queue holds
//! 10,000 batches, not documents, and a UN debate is a few hundred documents, so the queue
//! alone could hold a good part of a corpus (peak RSS 243 → 412 MB on the benchmark corpus
//! when nothing held it back). Each document goes in wrapped in a [`PacedDoc`], which gives
//! its place back when tantivy drops it, once indexed; [`Pacer::wait`] holds the next file
//! back while the places are taken.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use tantivy::TantivyDocument;
use tantivy::schema::document::Document;

/// Documents that may wait in tantivy's queue: as many as its queue held when every
/// document was a batch of its own.
pub const IN_FLIGHT_DOCS: usize = 10_000;

/// How long a file waits for places before it goes anyway: a writer that stopped taking
/// documents (a failed disk) is then found by the write that follows, instead of a hang.
pub const PATIENCE: Duration = Duration::from_secs(2);

/// Counts the documents handed to tantivy and not yet indexed. Taking and giving back a
/// place is an atomic add; the lock and the wake-up (a system call) are only for a waiting
/// file, once enough places are free for it: tantivy indexes two million documents of the
/// benchmark corpus, and a wake-up at every one cost seconds of system time.
#[derive(Debug)]
pub struct Pacer {
    in_flight: AtomicUsize,
    /// The waiting file is woken when fewer documents than this are in flight; 0: none
    /// waits (no count is below 0).
    wake_below: AtomicUsize,
    lock: Mutex<()>,
    freed: Condvar,
    limit: usize,
}

impl Pacer {
    /// A pacer letting `limit` documents wait at a time.
    pub fn new(limit: usize) -> Arc<Pacer> {
        Arc::new(Pacer {
            in_flight: AtomicUsize::new(0),
            wake_below: AtomicUsize::new(0),
            lock: Mutex::new(()),
            freed: Condvar::new(),
            limit,
        })
    }

    /// Documents handed over and not yet indexed.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Waits until `n` more documents fit under the limit, or none are waiting (a file
    /// larger than the limit goes alone), or `patience` has passed. Returns whether they
    /// fit. One file waits at a time (the writer loop's).
    pub fn wait(&self, n: usize, patience: Duration) -> bool {
        // Fits while fewer than `below` (at least 1) are in flight.
        let below = self.limit.saturating_sub(n).saturating_add(1);
        let fits = |in_flight: usize| in_flight < below;
        if fits(self.in_flight()) {
            return true;
        }
        let deadline = Instant::now() + patience;
        let mut guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.wake_below.store(below, Ordering::SeqCst);
        let fitted = loop {
            if fits(self.in_flight()) {
                break true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break false;
            }
            guard = match self.freed.wait_timeout(guard, left) {
                Ok((guard, _)) => guard,
                Err(e) => e.into_inner().0,
            };
        };
        self.wake_below.store(0, Ordering::SeqCst);
        drop(guard);
        fitted
    }

    /// Wraps a file's documents to be handed to tantivy; each holds its place until
    /// tantivy drops it. The places are taken at once, one atomic add for the batch.
    pub fn wrap_all(self: &Arc<Self>, docs: Vec<TantivyDocument>) -> Vec<PacedDoc> {
        self.in_flight.fetch_add(docs.len(), Ordering::SeqCst);
        docs.into_iter()
            .map(|doc| PacedDoc {
                doc,
                pacer: Arc::clone(self),
            })
            .collect()
    }

    fn release(&self) {
        let now = self
            .in_flight
            .fetch_sub(1, Ordering::SeqCst)
            .saturating_sub(1);
        let below = self.wake_below.load(Ordering::SeqCst);
        if now < below {
            // Taking the lock orders this wake-up after the waiter's last look.
            let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            self.freed.notify_all();
        }
    }
}

/// A document on its way through tantivy's writer, holding a place of its [`Pacer`].
#[derive(Debug)]
pub struct PacedDoc {
    doc: TantivyDocument,
    pacer: Arc<Pacer>,
}

impl Drop for PacedDoc {
    fn drop(&mut self) {
        self.pacer.release();
    }
}

impl Document for PacedDoc {
    type Value<'a>
        = <TantivyDocument as Document>::Value<'a>
    where
        Self: 'a;
    type FieldsValuesIter<'a>
        = <TantivyDocument as Document>::FieldsValuesIter<'a>
    where
        Self: 'a;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }

    fn into_tantivy_document(mut self) -> TantivyDocument {
        std::mem::take(&mut self.doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_taken_until_the_documents_are_dropped() {
        let pacer = Pacer::new(3);
        let first = pacer.wrap_all(vec![TantivyDocument::new(); 2]);
        assert_eq!(pacer.in_flight(), 2);
        let quick = Duration::from_millis(20);
        // (documents asked for, whether they fit while two wait)
        let cases: &[(usize, bool)] = &[(0, true), (1, true), (2, false), (10, false)];
        for &(n, fits) in cases {
            assert_eq!(pacer.wait(n, quick), fits, "{n} more");
        }
        let waiter = {
            let pacer = Arc::clone(&pacer);
            std::thread::spawn(move || pacer.wait(3, Duration::from_secs(30)))
        };
        drop(first);
        assert!(
            waiter.join().unwrap_or(false),
            "woken when the places are freed"
        );
        assert_eq!(pacer.in_flight(), 0);
        // A waiting file is woken as soon as it fits, before the queue is empty (not at
        // the end of its patience).
        let mut full = pacer.wrap_all(vec![TantivyDocument::new(); 3]);
        let waiter = {
            let pacer = Arc::clone(&pacer);
            std::thread::spawn(move || {
                let started = Instant::now();
                (pacer.wait(1, Duration::from_secs(30)), started.elapsed())
            })
        };
        // Most likely waiting by then (if not, it finds the place free at once).
        std::thread::sleep(Duration::from_millis(50));
        full.pop();
        let (fits, waited) = waiter.join().unwrap_or((false, Duration::MAX));
        assert!(
            fits && waited < Duration::from_secs(10),
            "woken after {waited:?}"
        );
        assert_eq!(pacer.in_flight(), 2);
        drop(full);
        // A batch larger than the limit goes when nothing waits.
        assert!(pacer.wait(10, quick));
        let docs = pacer.wrap_all(vec![TantivyDocument::new()]);
        for doc in docs {
            assert_eq!(doc.into_tantivy_document(), TantivyDocument::new());
        }
        assert_eq!(pacer.in_flight(), 0, "converting gives the place back");
    }
}
