// The state of each end of a split device (public/io/xenbus.h, enum xenbus_state), which each
// end writes in its "state" node and watches in the other's.

export const XenbusStateUnknown = 0; // io/xenbus.h
export const XenbusStateInitialising = 1; // io/xenbus.h
/** The back end waits for the front end's details (hot-plug done). */
export const XenbusStateInitWait = 2; // io/xenbus.h
/** The front end published its ring and event channel. */
export const XenbusStateInitialised = 3; // io/xenbus.h
export const XenbusStateConnected = 4; // io/xenbus.h
/** The device is being closed because of an error or an unplug. */
export const XenbusStateClosing = 5; // io/xenbus.h
export const XenbusStateClosed = 6; // io/xenbus.h
export const XenbusStateReconfiguring = 7; // io/xenbus.h
export const XenbusStateReconfigured = 8; // io/xenbus.h
