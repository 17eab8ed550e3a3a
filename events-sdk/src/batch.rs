//! [`Batch`]: what every generated batch request type can do, and the
//! batch size limit of the Events API.

use crate::Error;

/// The most events one request may carry. The API refuses larger batches
/// with HTTP 400 `max.batch.size.surpassed` ("Max batch size is 100") and
/// empty ones with HTTP 400 `zero.events.submitted`; the SDK refuses both
/// before sending.
pub const MAX_BATCH_SIZE: usize = 100;

/// A batch request: an object made only of lists of events.
///
/// Implemented by the generated batch types (e.g.
/// [`BatchUserPresenceEventRequest`](crate::models::BatchUserPresenceEventRequest));
/// [`Batch::Event`] is the type of one event, an enum over the lists when
/// the batch has several (e.g. [`ConversationEvent`](crate::models::ConversationEvent)).
pub trait Batch: Default {
    /// One event of the batch.
    type Event;

    /// How many events the batch holds, over all its lists.
    fn event_count(&self) -> usize;

    /// Appends `event` to the list it belongs to.
    fn push(&mut self, event: Self::Event);

    /// Splits the batch back into its events, list by list.
    fn into_events(self) -> Vec<Self::Event>;

    /// Checks the batch holds between 1 and [`MAX_BATCH_SIZE`] events.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] naming the count otherwise.
    fn check_size(&self) -> Result<(), Error> {
        match self.event_count() {
            0 => Err(Error::InvalidRequest(
                "a batch must hold at least 1 event (the API answers 400 zero.events.submitted)".to_owned(),
            )),
            n if n > MAX_BATCH_SIZE => Err(Error::InvalidRequest(format!(
                "a batch may hold at most {MAX_BATCH_SIZE} events, this one holds {n} \
                 (the API answers 400 max.batch.size.surpassed)"
            ))),
            _ => Ok(()),
        }
    }
}

/// Groups `events` into batches of at most [`MAX_BATCH_SIZE`], in order.
///
/// ```
/// use events_sdk::models::{BatchUserPresenceEventRequest, UserPresenceEvent};
/// use events_sdk::{into_batches, Batch, DateTime};
///
/// let events = (0..250).map(|i| UserPresenceEvent::new(format!("event-{i}"), DateTime::now(), "user", "source"));
/// let batches: Vec<BatchUserPresenceEventRequest> = into_batches(events);
/// let sizes: Vec<usize> = batches.iter().map(Batch::event_count).collect();
/// assert_eq!(sizes, [100, 100, 50]);
/// ```
pub fn into_batches<B: Batch>(events: impl IntoIterator<Item = B::Event>) -> Vec<B> {
    let mut batches = Vec::new();
    let mut current = B::default();
    let mut count = 0;
    for event in events {
        if count == MAX_BATCH_SIZE {
            batches.push(std::mem::take(&mut current));
            count = 0;
        }
        current.push(event);
        count += 1;
    }
    if count > 0 {
        batches.push(current);
    }
    batches
}

/// String properties of a generated event type, looked up by their name on
/// the wire (e.g. `"eventId"`). Generated for every event type of every
/// batch and for the event enums, so runtime code can read ids without
/// knowing each type.
pub trait StrFields {
    /// The value of the string property `wire_name`, if the type has one
    /// and it is set.
    fn str_field(&self, wire_name: &str) -> Option<&str>;
}

/// A batch type that knows the operation publishing it. Generated for every
/// batch request type; used by code that sends batches without knowing
/// their type (e.g. a publisher).
pub trait SendBatch: Batch + Sized {
    /// The success body of the operation.
    type Response;

    /// Sends `batch` with `client`, through the operation that takes it.
    fn send(
        client: &crate::Client,
        batch: &Self,
    ) -> impl std::future::Future<Output = Result<crate::ApiResponse<Self::Response>, Error>> + Send;
}
