// Init probe: nothing but a handler (the floor of importing any module).
export const handler = async (): Promise<number> => 1;
