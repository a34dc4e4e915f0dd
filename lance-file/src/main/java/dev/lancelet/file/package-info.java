/**
 * Reading and writing single Lance files (format versions 2.0 to 2.3).
 *
 * <p>Entry points: {@code LanceFileReader} and {@code LanceFileWriter}. Everything below this
 * package is internal.
 */
package dev.lancelet.file;
