import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/* A small HTTP server on a thread pool, fetched five times; then allocation under load from
 * four threads, so the garbage collector runs. */
public class Corpus {
    public static void main(String[] args) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 8080), 0);
        s.createContext("/", ex -> {
            byte[] b = "hull-corpus".getBytes();
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) { o.write(b); }
        });
        s.setExecutor(Executors.newFixedThreadPool(4));
        s.start();
        for (int i = 0; i < 5; i++) {
            try (InputStream in = new URL("http://127.0.0.1:8080/").openStream()) {
                if (!new String(in.readAllBytes()).equals("hull-corpus")) throw new AssertionError();
            }
        }
        s.stop(0);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                long sum = 0;
                for (int i = 0; i < 200000; i++) { byte[] a = new byte[1024]; sum += a.length; }
                if (sum != 200000L * 1024) throw new AssertionError();
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) th.join();
        System.gc();
        System.out.println("corpus ok");
        System.exit(0);
    }
}
