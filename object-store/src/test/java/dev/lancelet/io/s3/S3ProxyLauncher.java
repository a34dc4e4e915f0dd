package dev.lancelet.io.s3;

import java.io.InputStream;

/**
 * Main class of the S3Proxy child process: exits when its parent's pipe closes (so a killed test
 * JVM leaves no server behind), then hands over to S3Proxy's own main. Runs with only the S3Proxy
 * jar and this class on its classpath.
 */
public final class S3ProxyLauncher {
  private S3ProxyLauncher() {}

  public static void main(String[] args) throws Exception {
    Thread watchdog =
        new Thread(
            () -> {
              try (InputStream in = System.in) {
                while (in.read() >= 0) {
                  // the parent writes nothing; EOF means it is gone
                }
              } catch (Exception ignored) {
                // fall through to exit
              }
              Runtime.getRuntime().halt(0);
            },
            "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Class.forName("org.gaul.s3proxy.Main").getMethod("main", String[].class).invoke(null, (Object) args);
  }
}
