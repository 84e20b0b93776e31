// A token every injected upstream fault carries in its error text, so a leak of upstream error text into a response or
// a log line is detectable (the real services' messages vary; ours are marked).
export const FAULT_MARKER = 'injected-fault-3f9c1a';
