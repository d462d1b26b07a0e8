// Placeholder until the emulator lands.
console.log('emulator not yet implemented');
