console.log("updraft: not wired yet")
