import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { requireSetting, type RuntimeConfig } from '../config';
import { emailTagsOf } from '../domain/email-tags';
import { MailerError, type Mailer } from '../domain/ports';

/** SES's answers to "too fast": the sending rate or a per-second quota was exceeded. */
const SES_THROTTLING = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
]);

export interface SesMailerOptions {
  from: string;
  configurationSet?: string;
  /** Attempts for throttled sends; the SES client itself must make one attempt only. */
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * SES v2 `Content.Simple`: text, HTML, custom headers and the calendar attachment, no
 * hand-built MIME. The client must not retry by itself (`maxAttempts: 1`): a retry after a
 * timeout can send a second copy. This adapter retries only SES's explicit throttling
 * answers, which mean nothing was sent, with exponential backoff and jitter.
 */
export function createSesMailer(client: SESv2Client, options: SesMailerOptions): Mailer {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return {
    async send(email) {
      const command = new SendEmailCommand({
        FromEmailAddress: options.from,
        Destination: { ToAddresses: [email.to] },
        ...(email.replyTo !== undefined && { ReplyToAddresses: [email.replyTo] }),
        ConfigurationSetName: options.configurationSet,
        // SES reports them back with each delivery, bounce and complaint (functions/ses-feedback).
        EmailTags: emailTagsOf(email.ids).map(({ name, value }) => ({ Name: name, Value: value })),
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
            Headers:
              email.headers.length > 0
                ? email.headers.map(({ name, value }) => ({ Name: name, Value: value }))
                : undefined,
            Attachments:
              email.attachments.length > 0
                ? email.attachments.map((attachment) => ({
                    FileName: attachment.fileName,
                    ContentType: attachment.contentType,
                    ContentDisposition: 'ATTACHMENT',
                    // Names and addresses in the calendar file may be non-ASCII: SES's 7-bit default would mangle them.
                    ContentTransferEncoding: 'BASE64',
                    RawContent: new TextEncoder().encode(attachment.content),
                  }))
                : undefined,
          },
        },
      });
      for (let attempt = 1; ; attempt++) {
        try {
          const { MessageId } = await client.send(command);
          if (!MessageId) throw new MailerError('NoMessageId', false);
          return { messageId: MessageId };
        } catch (error) {
          if (error instanceof MailerError) throw error;
          const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
          const code = name ?? 'UnknownError';
          if (SES_THROTTLING.has(code) && attempt < maxAttempts) {
            await sleep(baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
            continue;
          }
          // An HTTP answer means SES decided; no answer (timeout, reset) leaves it unknown.
          throw new MailerError(code, $metadata?.httpStatusCode !== undefined);
        }
      }
    },
  };
}

/** The deployed mailer: SES's client makes one attempt, this adapter retries throttling only. */
export function sesMailerFor(config: RuntimeConfig): Mailer {
  return createSesMailer(new SESv2Client({ maxAttempts: 1 }), {
    from: requireSetting(config, 'senderAddress', 'the mailer'),
    configurationSet: config.sesConfigurationSet,
  });
}
