package io.snapbank.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  @Test
  void when_a_certificate_is_issued_then_it_names_its_hosts_and_only_its_ca_signed_it()
      throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(2));
    CertificateAuthority.Issued issued =
        ca.issue("localhost", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
    X509Certificate c = issued.certificate();
    c.checkValidity();
    c.verify(ca.certificate().getPublicKey());
    assertEquals(
        List.of(List.of(2, "localhost"), List.of(7, "127.0.0.1")),
        c.getSubjectAlternativeNames().stream().map(List::copyOf).toList());
    assertEquals("CN=test CA", c.getIssuerX500Principal().getName());
    assertEquals(-1, c.getBasicConstraints(), "not a CA");
    assertTrue(ca.certificate().getBasicConstraints() >= 0, "the CA is one");
    assertTrue(c.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "server authentication");
    CertificateAuthority other = CertificateAuthority.create("other CA", Duration.ofDays(2));
    assertThrows(SignatureException.class, () -> c.verify(other.certificate().getPublicKey()));
    assertTrue(issued.keyPem().startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertFalse(issued.toString().contains("PRIVATE"), "toString hides the key");
  }
}
