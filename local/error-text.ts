/** An error's message for a message between threads, which carries no Error objects' stacks. */
export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
