package io.snapbank.broker;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A certificate authority made for one broker data directory: an EC P-256 key and a self-signed CA
 * certificate, able to issue server certificates for given host names and IP addresses (signed
 * SHA256withECDSA, usable for TLS server and client authentication). Its private key is never
 * written anywhere: once the broker's certificate is issued, nothing can be signed by it again.
 */
final class CertificateAuthority {
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  /** A certificate issued by this authority, with its private key. */
  record Issued(X509Certificate certificate, PrivateKey key) {
    /** The key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}, unencrypted): keep it owner-only. */
    String keyPem() {
      return pem("PRIVATE KEY", key.getEncoded());
    }

    @Override
    public String toString() {
      return "Issued[" + certificate.getSubjectX500Principal() + ", key hidden]";
    }
  }

  private final SecureRandom random = new SecureRandom();
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final String name;

  private CertificateAuthority(String name, Duration validity) throws GeneralSecurityException {
    this.name = name;
    this.keys = newKeyPair(random);
    byte[][] extensions = {
      extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true))),
      // keyCertSign and cRLSign
      extension(KEY_USAGE, true, Der.bits(new byte[] {0x06}, 1))
    };
    this.certificate = sign(name, keys.getPublic(), validity, extensions);
  }

  /** A new authority named {@code CN=<name>}, valid for {@code validity} from an hour ago. */
  static CertificateAuthority create(String name, Duration validity) {
    try {
      return new CertificateAuthority(name, validity);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a certificate authority: " + e, e);
    }
  }

  X509Certificate certificate() {
    return certificate;
  }

  /** The authority's certificate as PEM: what clients trust. */
  String certificatePem() {
    return pem(certificate);
  }

  /**
   * A certificate for {@code CN=<commonName>} naming {@code dnsNames} and {@code ipAddresses} as
   * subject alternative names, so that clients verifying host names accept it.
   */
  Issued issue(
      String commonName, List<String> dnsNames, List<String> ipAddresses, Duration validity) {
    try {
      KeyPair subject = newKeyPair(random);
      List<byte[]> names = new ArrayList<>();
      for (String d : dnsNames) {
        names.add(Der.implicit(2, d.getBytes(StandardCharsets.US_ASCII)));
      }
      for (String ip : ipAddresses) {
        names.add(Der.implicit(7, InetAddress.getByName(ip).getAddress()));
      }
      byte[][] extensions = {
        extension(BASIC_CONSTRAINTS, true, Der.sequence()),
        // digitalSignature and keyEncipherment
        extension(KEY_USAGE, true, Der.bits(new byte[] {(byte) 0xA0}, 5)),
        extension(
            EXTENDED_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))),
        extension(SUBJECT_ALT_NAME, false, Der.sequence(names.toArray(new byte[0][])))
      };
      X509Certificate c = sign(commonName, subject.getPublic(), validity, extensions);
      return new Issued(c, subject.getPrivate());
    } catch (GeneralSecurityException | UnknownHostException e) {
      throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e, e);
    }
  }

  private X509Certificate sign(
      String subject, PublicKey key, Duration validity, byte[]... extensions)
      throws GeneralSecurityException {
    ZonedDateTime now = ZonedDateTime.now();
    byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
    byte[] tbs =
        Der.sequence(
            Der.explicit(0, Der.integer(BigInteger.TWO)), // v3
            Der.integer(new BigInteger(127, random).add(BigInteger.ONE)),
            algorithm,
            distinguishedName(name),
            Der.sequence(Der.time(now.minusHours(1)), Der.time(now.plus(validity))),
            distinguishedName(subject),
            key.getEncoded(),
            Der.explicit(3, Der.sequence(extensions)));
    Signature s = Signature.getInstance(SIGNATURE);
    s.initSign(keys.getPrivate(), random);
    s.update(tbs);
    byte[] der = Der.sequence(tbs, algorithm, Der.bits(s.sign(), 0));
    X509Certificate c =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    c.verify(keys.getPublic());
    return c;
  }

  private static byte[] distinguishedName(String commonName) {
    return Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(commonName))));
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octets(value))
        : Der.sequence(Der.oid(oid), Der.octets(value));
  }

  private static KeyPair newKeyPair(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), random);
    return g.generateKeyPair();
  }

  /** {@code c} as PEM. */
  static String pem(X509Certificate c) {
    try {
      return pem("CERTIFICATE", c.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
