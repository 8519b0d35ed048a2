//! A set of fact ids as a bitset: what an unknown value waits on. Cheap to copy-union on every
//! node of an expression (the interpreter does that a lot), and the same shape a compiled backend
//! keeps per value.

use crate::ir::FactId;

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FactSet {
    words: Vec<u64>,
}

impl FactSet {
    pub fn new() -> FactSet {
        FactSet::default()
    }
    pub fn one(f: FactId) -> FactSet {
        let mut s = FactSet::new();
        s.insert(f);
        s
    }
    pub fn insert(&mut self, f: FactId) {
        let (w, b) = ((f.0 / 64) as usize, f.0 % 64);
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
        }
        self.words[w] |= 1 << b;
    }
    pub fn contains(&self, f: FactId) -> bool {
        let (w, b) = ((f.0 / 64) as usize, f.0 % 64);
        self.words.get(w).is_some_and(|x| x & (1 << b) != 0)
    }
    pub fn union_with(&mut self, other: &FactSet) {
        if self.words.len() < other.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
    /// The ids in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = FactId> + '_ {
        self.words.iter().enumerate().flat_map(|(i, w)| {
            (0..64u32)
                .filter(move |b| w & (1u64 << b) != 0)
                .map(move |b| FactId(i as u32 * 64 + b))
        })
    }
}

impl FromIterator<FactId> for FactSet {
    fn from_iter<I: IntoIterator<Item = FactId>>(iter: I) -> FactSet {
        let mut s = FactSet::new();
        for f in iter {
            s.insert(f);
        }
        s
    }
}
