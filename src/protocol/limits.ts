// Input limits, checked before anything is sent. The description limit is the
// documented one (PROTOCOL §7); the name limit is the emulator's, and the
// server's own 666 stays the final word for production.

export const MAX_DESCRIPTION_LENGTH = 512;
export const MAX_SOURCE_NAME_LENGTH = 255;
