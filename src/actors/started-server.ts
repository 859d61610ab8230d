/** What a started listening actor (receiver, firewall) gives back: its name, where it listens, how to stop it. */
export interface StartedServer extends AsyncDisposable {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** idempotent; closes every client socket and resolves when the port is free */
  stop(): Promise<void>;
}
