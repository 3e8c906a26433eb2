// Driving the counter page (wasm/counter/) in a browser test, as a cashier would.
//
//   await restartCamera(page);   // the stop and start buttons: Chromium reopens the fake camera's file

/** The cashier's stop and start buttons, pressed in one go: Chromium opens the camera's file
 * anew, so a code just put before the fake camera is read (the counter also restarts the camera
 * by itself while it sees a code it already has, so it may well be quicker). */
export async function restartCamera(page) {
  await page.evaluate(() => {
    if (document.body.dataset.screen !== "counter") return;
    const stop = document.getElementById("camera-stop");
    if (!stop.hidden) stop.click();
    document.getElementById("camera-start").click();
  });
}
