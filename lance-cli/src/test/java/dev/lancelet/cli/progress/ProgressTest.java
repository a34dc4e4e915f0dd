package dev.lancelet.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void drawsRateEtaAndErasesTheLine() {
    AtomicLong now = new AtomicLong(0);
    StringWriter text = new StringWriter();
    Progress p = Progress.builder("importing").out(new PrintWriter(text)).totalBytes(4L << 20)
        .mode(Progress.Mode.ALWAYS).clock(now::get).build();
    now.set(1_000_000_000L);
    p.addRows(1000);
    p.setBytes(1L << 20);
    // drawn once: the second report came within the interval
    assertThat(text.toString()).isEqualTo("\rimporting 1,000 rows (0%), 0 B of 4.00 MiB, 1,000 rows/s");
    now.set(2_000_000_000L);
    p.setBytes(1L << 20); // a running total, not an increment
    String line = p.status();
    assertThat(line).isEqualTo("importing 1,000 rows (25%), 1.00 MiB of 4.00 MiB, 500 rows/s, ETA 0:06");
    assertThat(text.toString()).endsWith("\r" + line);
    p.close();
    assertThat(text.toString()).endsWith("\r" + " ".repeat(line.length()) + "\r");
    p.close(); // idempotent
  }

  @Test
  void totalRowsGivePercentAndEta() {
    AtomicLong now = new AtomicLong(0);
    Progress p = Progress.builder("exporting").totalRows(10_000).mode(Progress.Mode.NEVER).clock(now::get).build();
    now.set(30_000_000_000L);
    p.addRows(2_500);
    assertThat(p.status()).isEqualTo("exporting 2,500 rows of 10,000 (25%), 83 rows/s, ETA 1:30");
    now.set(40_000_000_000L);
    p.addRows(7_500);
    assertThat(p.status()).isEqualTo("exporting 10,000 rows of 10,000 (100%), 250 rows/s");
  }

  @Test
  void silentWhenNotATerminalOrNever() {
    StringWriter text = new StringWriter();
    Progress never = Progress.builder("x").out(new PrintWriter(text)).mode(Progress.Mode.NEVER).intervalMillis(0).build();
    never.addRows(5);
    never.close();
    // tests do not run on a terminal, so AUTO is silent here too
    Progress auto = Progress.builder("x").out(new PrintWriter(text)).intervalMillis(0).build();
    auto.addRows(5);
    auto.close();
    assertThat(auto.isLive()).isEqualTo(Progress.stderrIsTerminal());
    assertThat(text.toString()).isEmpty();
    assertThat(never.rows()).isEqualTo(5);
  }

  @Test
  void countsExactlyUnderConcurrentUpdates() throws Exception {
    StringWriter text = new StringWriter();
    Progress p = Progress.builder("busy").out(new PrintWriter(text)).mode(Progress.Mode.ALWAYS).intervalMillis(0).build();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 10_000; i++) {
          p.addRows(1);
          p.addBytes(3);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    p.close();
    assertThat(p.rows()).isEqualTo(40_000);
    assertThat(p.bytes()).isEqualTo(120_000);
    // every draw is a whole line starting with \r
    for (String part : text.toString().split("\r")) {
      assertThat(part.isBlank() || part.startsWith("busy ")).as(part).isTrue();
    }
  }

  @Test
  void formatsBytesAndDurations() {
    assertThat(Progress.bytes(1023)).isEqualTo("1023 B");
    assertThat(Progress.bytes(1536)).isEqualTo("1.50 KiB");
    assertThat(Progress.bytes(200L << 30)).isEqualTo("200 GiB");
    assertThat(Progress.duration(7)).isEqualTo("0:07");
    assertThat(Progress.duration(3723)).isEqualTo("1:02:03");
  }
}
