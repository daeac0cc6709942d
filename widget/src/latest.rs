//! Only the newest load's answers are applied. A filter, scope or token can change while
//! a request is in flight; without this, a slow answer to the old request could land after
//! the new one's and show the wrong list (typing "ab" and seeing the results for "a").

use leptos::prelude::*;

/// Numbers an element's loads of one kind.
#[derive(Clone, Copy)]
pub struct Latest(StoredValue<u32>);

/// One load's number: still [`Ticket::current`] until the next load starts.
#[derive(Clone, Copy)]
pub struct Ticket {
    latest: StoredValue<u32>,
    number: u32,
}

impl Latest {
    pub fn new() -> Latest {
        Latest(StoredValue::new(0))
    }

    /// Starts a load, superseding every earlier one.
    pub fn start(self) -> Ticket {
        self.0.update_value(|n| *n = n.wrapping_add(1));
        Ticket { latest: self.0, number: self.0.get_value() }
    }
}

impl Default for Latest {
    fn default() -> Latest {
        Latest::new()
    }
}

impl Ticket {
    /// False once a newer load has started, or the element is gone.
    pub fn current(self) -> bool {
        self.latest.try_get_value() == Some(self.number)
    }
}
