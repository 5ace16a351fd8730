// Where the local server keeps its dev validator key (in its data folder), shared with `npm run miner`.
/** The validator's 32-byte seed, hex (mode 0600: it signs nothing today, but it is a secret key all the same). */
export const VALIDATOR_KEY_FILE = 'validator-key';
/** The validator's ss58 hotkey (public): what miners sign their requests for. */
export const VALIDATOR_HOTKEY_FILE = 'validator-hotkey';
