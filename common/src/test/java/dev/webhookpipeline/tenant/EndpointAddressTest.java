package dev.webhookpipeline.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which resolved addresses an endpoint may reach. Addresses are built as a hostile DNS server can
 * answer them: an IPv4-mapped IPv6 answer stays an {@link Inet6Address} (Java's own parser would
 * turn {@code ::ffff:a.b.c.d} into an {@link Inet4Address}, hiding the case under test).
 */
class EndpointAddressTest {

    /** The address as a DNS answer carries it: IPv6 literals always as 16 bytes. */
    static InetAddress answer(String literal) throws UnknownHostException {
        InetAddress parsed = InetAddress.getByName(literal);
        if (literal.contains(":") && parsed instanceof Inet4Address v4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(v4.getAddress(), 0, mapped, 12, 4);
            return Inet6Address.getByAddress(null, mapped, -1);
        }
        return parsed;
    }

    static final EndpointPolicy STRICT = EndpointPolicy.strict();

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1                                | loopback",
            "::1                                      | loopback",
            "0.0.0.0                                  | 'this network'",
            "::                                       | unspecified",
            "10.1.2.3                                 | private",
            "172.16.0.1                               | private",
            "192.168.1.1                              | private",
            "100.64.0.1                               | carrier-grade NAT",
            "169.254.169.254                          | link-local (cloud metadata)",
            "192.0.0.192                              | 192.0.0.0/24",
            "192.0.0.1                                | 192.0.0.0/24",
            "192.0.2.1                                | documentation",
            "198.51.100.7                             | documentation",
            "203.0.113.9                              | documentation",
            "192.88.99.1                              | 6to4 relay",
            "198.18.0.1                               | benchmarking",
            "198.19.255.255                           | benchmarking",
            "224.0.0.1                                | multicast",
            "240.0.0.1                                | reserved",
            "255.255.255.255                          | broadcast",
            // IPv4 inside IPv6: judged as the IPv4 address it reaches
            "::ffff:127.0.0.1                         | loopback address 127.0.0.1",
            "::ffff:169.254.169.254                   | link-local (cloud metadata) address 169.254.169.254",
            "::ffff:10.0.0.1                          | private address 10.0.0.1",
            "::ffff:192.0.0.192                       | 192.0.0.0/24",
            "::127.0.0.1                              | loopback address 127.0.0.1",
            "::10.0.0.1                               | private address 10.0.0.1",
            "64:ff9b::a9fe:a9fe                       | link-local (cloud metadata) address 169.254.169.254",
            "64:ff9b::7f00:1                          | loopback address 127.0.0.1",
            "2002:7f00:1::1                           | loopback address 127.0.0.1",
            "2002:a00:1::                             | private address 10.0.0.1",
            "2001:0:4136:e378:8000:63bf:80ff:fffe     | loopback address 127.0.0.1",
            // IPv6 outside global unicast, or special within it
            "fe80::1                                  | link-local",
            "fd00:ec2::254                            | unique-local",
            "fc00::1                                  | unique-local",
            "ff02::1                                  | multicast",
            "fec0::1                                  | not global unicast",
            "100::1                                   | not global unicast",
            "64:ff9b:1::1                             | not global unicast",
            "5f00::1                                  | not global unicast",
            "2001:db8::1                              | documentation",
            "3fff::1                                  | documentation",
            "2001:2::1                                | benchmarking",
            "2001:10::1                               | IETF protocol assignment",
    })
    void nonPublicAddressesAreRefusedWithWhatTheyAre(String literal, String kind) throws Exception {
        InetAddress address = answer(literal);
        assertThat(STRICT.checkAddresses("hooks.example.com", new InetAddress[] {address}))
                .as("%s (%s)", literal, address.getClass().getSimpleName())
                .get().asString().contains(kind).contains("hooks.example.com");
    }

    @ParameterizedTest(name = "{0} is public")
    @CsvSource({
            "93.184.216.34", "8.8.8.8", "1.1.1.1", "198.20.0.1", "192.0.1.1", "223.255.255.255",
            "::ffff:93.184.216.34", "64:ff9b::808:808", "2002:808:808::1", "2606:4700:4700::1111",
            "2a00:1450:4001:81c::200e", "2001:4860:4860::8888",
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7", // Teredo whose client is 8.8.8.8
    })
    void publicAddressesPass(String literal) throws Exception {
        assertThat(STRICT.checkAddresses("hooks.example.com", new InetAddress[] {answer(literal)})).isEmpty();
    }

    @Test
    void theAllowListJudgesTheEmbeddedIpv4Address() throws Exception {
        EndpointPolicy allowPrivate = new EndpointPolicy(false, List.of("10.0.0.0/8"));
        for (String allowed : List.of("10.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1")) {
            assertThat(allowPrivate.checkAddresses("intranet", new InetAddress[] {answer(allowed)})).as(allowed).isEmpty();
        }
        for (String refused : List.of("::ffff:169.254.169.254", "::ffff:127.0.0.1", "192.0.0.192")) {
            assertThat(allowPrivate.checkAddresses("intranet", new InetAddress[] {answer(refused)})).as(refused).isPresent();
        }
    }

    @Test
    void oneHostileAnswerAmongPublicOnesRefusesTheHostAtConfigTime() throws Exception {
        Map<String, InetAddress[]> dns = Map.of("rebind.example.com",
                new InetAddress[] {answer("93.184.216.34"), answer("::ffff:169.254.169.254")});
        EndpointPolicy policy = new EndpointPolicy(false, List.of(), host -> dns.get(host));
        var verdict = new WebhookConfigRules(policy)
                .check(WebhookConfigRulesTest.config("https://rebind.example.com/hooks"));
        assertThat(verdict.errors()).singleElement().asString()
                .contains("rebind.example.com").contains("link-local (cloud metadata) address 169.254.169.254");
    }
}
