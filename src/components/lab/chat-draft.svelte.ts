/**
 * A lab's chat field: the text being written and why the last message was not sent. Every lab
 * sends the same way (trimmed, nothing when empty, the field emptied once sent); what sends it
 * is the lab state's own sendChat.
 */
export class ChatDraft {
  text = $state('');
  error = $state<string | null>(null);

  constructor(private readonly notSent = 'The data channel is not open, so the message was not sent.') {}

  /** Sends the trimmed text with `deliver`, which returns something truthy once it is sent. */
  send<R>(deliver: (text: string) => R): R | undefined {
    const text = this.text.trim();
    if (!text) return undefined;
    const sent = deliver(text);
    if (sent) this.clear();
    else this.error = this.notSent;
    return sent;
  }

  clear(): void {
    this.text = '';
    this.error = null;
  }
}
