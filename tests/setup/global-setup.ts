// Placeholder: the local stack is started here once per run (filled in by the local-stack work).
export default function setup() {}
