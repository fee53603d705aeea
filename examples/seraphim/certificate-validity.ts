// A certificate outside its validity is refused by every client: at startup SERAPHIM warns about
// it (serving with it beats not serving, and the operator may be replacing it right now), and a
// reload refuses it, so a renewal script that installed the wrong file cannot replace a good
// certificate with a dead one.
import type { CertificateDescription } from 'scarlet-sockets';

/**
 * What is wrong with the certificate's dates at `now`, as a sentence for the operator, or
 * undefined when it is valid.
 */
export function validityProblem(certificate: CertificateDescription, now = new Date()): string | undefined {
  const name = firstLine(certificate.subject);
  if (now < certificate.validFrom) return `the certificate ${name} is not valid until ${certificate.validFrom.toISOString()}`;
  if (now > certificate.validTo) return `the certificate ${name} expired on ${certificate.validTo.toISOString()}`;
  return undefined;
}

function firstLine(subject: string): string {
  return (subject.split('\n').find((line) => line.startsWith('CN=')) ?? subject.split('\n')[0] ?? '').trim();
}
